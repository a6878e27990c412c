//Numpy array shape
#ifndef B28_H_
#define B28_H_

#ifndef __SYNTHESIS__
head_bias_t b28[4];
#else
head_bias_t b28[4] = {-0.203125, -0.031250, 0.140625, 0.250000};
#endif

#endif
