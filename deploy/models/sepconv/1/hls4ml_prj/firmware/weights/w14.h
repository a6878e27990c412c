//Numpy array shape
#ifndef W14_H_
#define W14_H_

#ifndef __SYNTHESIS__
gap_fc_weight_t w14[15];
#else
gap_fc_weight_t w14[15] = {-0.890625, -0.015625, -0.546875, 0.171875, 0.000000, -0.140625, 0.625000, -0.687500, 0.859375, -0.203125, -0.484375, -0.578125, 0.718750, -0.125000, -0.265625};
#endif

#endif
