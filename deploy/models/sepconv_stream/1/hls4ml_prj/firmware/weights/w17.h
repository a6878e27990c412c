//Numpy array shape
#ifndef W17_H_
#define W17_H_

#ifndef __SYNTHESIS__
head_weight_t w17[6];
#else
head_weight_t w17[6] = {0.171875, -0.031250, 0.437500, -0.046875, -0.421875, -0.453125};
#endif

#endif
