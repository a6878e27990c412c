//Numpy array shape
#ifndef B3_H_
#define B3_H_

#ifndef __SYNTHESIS__
conv1_bn_bias_t b3[4];
#else
conv1_bn_bias_t b3[4] = {0.21484375, 0.02734375, 0.14062500, 0.07812500};
#endif

#endif
