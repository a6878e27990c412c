//Numpy array shape
#ifndef W12_H_
#define W12_H_

#ifndef __SYNTHESIS__
gap_fc_weight_t w12[15];
#else
gap_fc_weight_t w12[15] = {-0.421875, 0.109375, -0.750000, -0.187500, -0.281250, -0.031250, -0.125000, -0.500000, -0.546875, 0.125000, -0.343750, 0.281250, -0.890625, -0.015625, -0.546875};
#endif

#endif
