//Numpy array shape
#ifndef W7_H_
#define W7_H_

#ifndef __SYNTHESIS__
conv2_weight_t w7[12];
#else
conv2_weight_t w7[12] = {0.265625, 0.906250, -0.375000, 0.578125, -0.781250, 0.359375, 0.046875, 0.156250, -0.671875, 1.015625, 1.031250, -0.500000};
#endif

#endif
