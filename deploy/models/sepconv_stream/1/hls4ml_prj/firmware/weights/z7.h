//Numpy array shape
#ifndef Z7_H_
#define Z7_H_

#ifndef __SYNTHESIS__
sep1_depthwise_bias_t z7[3];
#else
sep1_depthwise_bias_t z7[3] = {-0.421875, 0.031250, -0.468750};
#endif

#endif
