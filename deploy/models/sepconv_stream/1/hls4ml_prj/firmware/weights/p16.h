//Numpy array shape
#ifndef P16_H_
#define P16_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p16[6];
#else
sep2_pointwise_weight_t p16[6] = {1.078125, 0.656250, -0.187500, 0.484375, 0.203125, 0.171875};
#endif

#endif
