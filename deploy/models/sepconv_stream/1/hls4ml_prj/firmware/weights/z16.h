//Numpy array shape
#ifndef Z16_H_
#define Z16_H_

#ifndef __SYNTHESIS__
sep2_depthwise_bias_t z16[2];
#else
sep2_depthwise_bias_t z16[2] = {-0.718750, -0.515625};
#endif

#endif
