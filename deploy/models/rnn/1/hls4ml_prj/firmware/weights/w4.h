//Numpy array shape
#ifndef W4_H_
#define W4_H_

#ifndef __SYNTHESIS__
fc_weight_t w4[6];
#else
fc_weight_t w4[6] = {0.921875, -0.296875, 0.828125, -0.312500, 0.031250, 0.218750};
#endif

#endif
