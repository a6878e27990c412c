//Numpy array shape
#ifndef P11_H_
#define P11_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p11[6];
#else
sep2_pointwise_weight_t p11[6] = {-0.421875, -0.312500, 0.593750, 0.843750, -1.328125, 0.046875};
#endif

#endif
