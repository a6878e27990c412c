//Numpy array shape
#ifndef P9_H_
#define P9_H_

#ifndef __SYNTHESIS__
sep1_pointwise_weight_t p9[12];
#else
sep1_pointwise_weight_t p9[12] = {-0.312500, 0.718750, 0.484375, -0.375000, -0.640625, 0.734375, -0.109375, 0.484375, -0.031250, 0.234375, -0.171875, 1.281250};
#endif

#endif
