//Numpy array shape
#ifndef Z12_H_
#define Z12_H_

#ifndef __SYNTHESIS__
sep2_depthwise_bias_t z12[2];
#else
sep2_depthwise_bias_t z12[2] = {-0.046875, 0.515625};
#endif

#endif
