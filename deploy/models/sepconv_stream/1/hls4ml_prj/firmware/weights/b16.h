//Numpy array shape
#ifndef B16_H_
#define B16_H_

#ifndef __SYNTHESIS__
sep2_pointwise_bias_t b16[3];
#else
sep2_pointwise_bias_t b16[3] = {0.718750, 0.234375, -0.546875};
#endif

#endif
