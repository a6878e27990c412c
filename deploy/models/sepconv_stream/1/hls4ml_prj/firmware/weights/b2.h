//Numpy array shape
#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
conv1_bias_t b2[3];
#else
conv1_bias_t b2[3] = {0.156250, -1.046875, 0.656250};
#endif

#endif
