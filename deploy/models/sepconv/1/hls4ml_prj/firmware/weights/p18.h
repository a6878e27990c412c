//Numpy array shape
#ifndef P18_H_
#define P18_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p18[6];
#else
sep2_pointwise_weight_t p18[6] = {-0.296875, 0.296875, -0.296875, 0.265625, -0.187500, 0.906250};
#endif

#endif
