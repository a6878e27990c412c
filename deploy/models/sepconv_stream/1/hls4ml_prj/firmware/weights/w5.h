//Numpy array shape
#ifndef W5_H_
#define W5_H_

#ifndef __SYNTHESIS__
dw1_weight_t w5[9];
#else
dw1_weight_t w5[9] = {-0.343750, -0.437500, -0.265625, -0.000000, -0.250000, 0.359375, 0.156250, -0.125000, 0.109375};
#endif

#endif
