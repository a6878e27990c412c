//Numpy array shape
#ifndef W27_H_
#define W27_H_

#ifndef __SYNTHESIS__
head_weight_t w27[12];
#else
head_weight_t w27[12] = {0.296875, 0.437500, 0.250000, -0.359375, -0.812500, 0.140625, 1.078125, 0.390625, 0.265625, 0.109375, 0.437500, 0.296875};
#endif

#endif
