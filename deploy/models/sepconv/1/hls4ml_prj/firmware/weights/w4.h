//Numpy array shape
#ifndef W4_H_
#define W4_H_

#ifndef __SYNTHESIS__
dw1_weight_t w4[9];
#else
dw1_weight_t w4[9] = {-0.296875, 0.359375, -0.421875, -0.687500, 1.031250, 0.234375, -0.343750, 0.546875, 0.125000};
#endif

#endif
