//Numpy array shape
#ifndef B6_H_
#define B6_H_

#ifndef __SYNTHESIS__
conv2_bias_t b6[2];
#else
conv2_bias_t b6[2] = {-0.187500, -0.531250};
#endif

#endif
