//Numpy array shape
#ifndef W11_H_
#define W11_H_

#ifndef __SYNTHESIS__
gap_fc_weight_t w11[15];
#else
gap_fc_weight_t w11[15] = {0.546875, -1.515625, -1.140625, 1.234375, 0.218750, -0.265625, -0.171875, 0.437500, 0.062500, 0.593750, -0.421875, 0.109375, -0.750000, -0.187500, -0.281250};
#endif

#endif
