//Numpy array shape
#ifndef Z15_H_
#define Z15_H_

#ifndef __SYNTHESIS__
sep2_depthwise_bias_t z15[2];
#else
sep2_depthwise_bias_t z15[2] = {-0.718750, -0.515625};
#endif

#endif
