//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
fc_bias_t b4[2];
#else
fc_bias_t b4[2] = {0.296875, -0.031250};
#endif

#endif
