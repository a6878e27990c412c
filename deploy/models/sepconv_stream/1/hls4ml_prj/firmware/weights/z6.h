//Numpy array shape
#ifndef Z6_H_
#define Z6_H_

#ifndef __SYNTHESIS__
sep1_depthwise_bias_t z6[3];
#else
sep1_depthwise_bias_t z6[3] = {-0.421875, 0.031250, -0.468750};
#endif

#endif
