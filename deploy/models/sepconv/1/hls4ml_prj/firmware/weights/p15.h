//Numpy array shape
#ifndef P15_H_
#define P15_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p15[6];
#else
sep2_pointwise_weight_t p15[6] = {-0.578125, 0.812500, -0.375000, 1.078125, 0.921875, 0.484375};
#endif

#endif
