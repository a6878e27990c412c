//Numpy array shape
#ifndef B27_H_
#define B27_H_

#ifndef __SYNTHESIS__
head_bias_t b27[2];
#else
head_bias_t b27[2] = {-0.078125, -0.250000};
#endif

#endif
