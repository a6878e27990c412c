//Numpy array shape
#ifndef W7_H_
#define W7_H_

#ifndef __SYNTHESIS__
conv2_weight_t w7[12];
#else
conv2_weight_t w7[12] = {-0.250000, -0.296875, -0.078125, 0.203125, 1.031250, 0.921875, -0.437500, 0.046875, 0.093750, -0.515625, 0.484375, -0.171875};
#endif

#endif
