//Numpy array shape
#ifndef B18_H_
#define B18_H_

#ifndef __SYNTHESIS__
sep2_pointwise_bias_t b18[3];
#else
sep2_pointwise_bias_t b18[3] = {0.765625, -0.484375, -0.656250};
#endif

#endif
