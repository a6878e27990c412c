//Numpy array shape
#ifndef W4_H_
#define W4_H_

#ifndef __SYNTHESIS__
fc_weight_t w4[10];
#else
fc_weight_t w4[10] = {-0.234375, 0.375000, 0.093750, 0.046875, 0.703125, 0.125000, -0.515625, -0.265625, -0.500000, 0.718750};
#endif

#endif
