//Numpy array shape
#ifndef B12_H_
#define B12_H_

#ifndef __SYNTHESIS__
sep2_pointwise_bias_t b12[3];
#else
sep2_pointwise_bias_t b12[3] = {0.046875, 0.250000, -1.234375};
#endif

#endif
