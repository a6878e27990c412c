//Numpy array shape
#ifndef P16_H_
#define P16_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p16[6];
#else
sep2_pointwise_weight_t p16[6] = {0.125000, -0.328125, 1.500000, -0.453125, -0.437500, -0.046875};
#endif

#endif
