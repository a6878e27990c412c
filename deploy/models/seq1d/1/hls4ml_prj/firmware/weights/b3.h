//Numpy array shape
#ifndef B3_H_
#define B3_H_

#ifndef __SYNTHESIS__
conv_s2_bias_t b3[3];
#else
conv_s2_bias_t b3[3] = {0.281250, -0.031250, 0.125000};
#endif

#endif
