//Numpy array shape
#ifndef B5_H_
#define B5_H_

#ifndef __SYNTHESIS__
dw1_bias_t b5[3];
#else
dw1_bias_t b5[3] = {0.031250, 0.250000, -0.343750};
#endif

#endif
