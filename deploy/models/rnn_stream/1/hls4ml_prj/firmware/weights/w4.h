//Numpy array shape
#ifndef W4_H_
#define W4_H_

#ifndef __SYNTHESIS__
fc_weight_t w4[6];
#else
fc_weight_t w4[6] = {0.375000, -0.187500, -0.296875, 0.281250, -0.531250, 0.296875};
#endif

#endif
