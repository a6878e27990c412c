//Numpy array shape
#ifndef B16_H_
#define B16_H_

#ifndef __SYNTHESIS__
sep2_pointwise_bias_t b16[3];
#else
sep2_pointwise_bias_t b16[3] = {0.031250, -0.171875, -1.171875};
#endif

#endif
