//Numpy array shape
#ifndef W6_H_
#define W6_H_

#ifndef __SYNTHESIS__
conv2_weight_t w6[6];
#else
conv2_weight_t w6[6] = {-0.828125, 1.531250, -0.640625, -0.265625, -0.015625, -1.343750};
#endif

#endif
