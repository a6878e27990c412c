//Numpy array shape
#ifndef W7_H_
#define W7_H_

#ifndef __SYNTHESIS__
fc_weight_t w7[9];
#else
fc_weight_t w7[9] = {0.765625, 0.125000, 0.718750, 0.468750, -0.078125, -0.546875, -0.468750, -0.781250, -0.828125};
#endif

#endif
