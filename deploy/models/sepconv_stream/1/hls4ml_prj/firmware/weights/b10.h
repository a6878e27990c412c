//Numpy array shape
#ifndef B10_H_
#define B10_H_

#ifndef __SYNTHESIS__
dw2_bias_t b10[2];
#else
dw2_bias_t b10[2] = {0.296875, 0.250000};
#endif

#endif
