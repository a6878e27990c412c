//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
sep1_pointwise_bias_t b7[4];
#else
sep1_pointwise_bias_t b7[4] = {0.203125, 0.593750, 0.765625, 0.500000};
#endif

#endif
