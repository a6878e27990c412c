//Numpy array shape
#ifndef B9_H_
#define B9_H_

#ifndef __SYNTHESIS__
head_bias_t b9[3];
#else
head_bias_t b9[3] = {0.500000, -0.031250, 0.500000};
#endif

#endif
