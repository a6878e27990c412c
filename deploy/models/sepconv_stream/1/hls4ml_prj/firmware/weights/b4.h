//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
dw1_bias_t b4[3];
#else
dw1_bias_t b4[3] = {0.031250, 0.250000, -0.343750};
#endif

#endif
