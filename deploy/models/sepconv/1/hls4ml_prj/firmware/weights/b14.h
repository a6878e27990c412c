//Numpy array shape
#ifndef B14_H_
#define B14_H_

#ifndef __SYNTHESIS__
gap_fc_bias_t b14[5];
#else
gap_fc_bias_t b14[5] = {0.031250, 0.171875, 0.390625, 0.046875, 0.078125};
#endif

#endif
