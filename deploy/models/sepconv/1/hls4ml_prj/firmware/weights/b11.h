//Numpy array shape
#ifndef B11_H_
#define B11_H_

#ifndef __SYNTHESIS__
gap_fc_bias_t b11[5];
#else
gap_fc_bias_t b11[5] = {-0.015625, -0.078125, -0.296875, -0.328125, 0.078125};
#endif

#endif
