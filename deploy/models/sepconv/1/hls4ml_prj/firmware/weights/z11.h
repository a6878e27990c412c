//Numpy array shape
#ifndef Z11_H_
#define Z11_H_

#ifndef __SYNTHESIS__
sep2_depthwise_bias_t z11[2];
#else
sep2_depthwise_bias_t z11[2] = {-0.640625, 0.484375};
#endif

#endif
