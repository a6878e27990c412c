//Numpy array shape
#ifndef B9_H_
#define B9_H_

#ifndef __SYNTHESIS__
sep1_pointwise_bias_t b9[4];
#else
sep1_pointwise_bias_t b9[4] = {0.968750, -0.000000, 0.578125, 0.046875};
#endif

#endif
