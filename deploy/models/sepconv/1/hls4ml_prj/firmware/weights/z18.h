//Numpy array shape
#ifndef Z18_H_
#define Z18_H_

#ifndef __SYNTHESIS__
sep2_depthwise_bias_t z18[2];
#else
sep2_depthwise_bias_t z18[2] = {0.531250, -1.078125};
#endif

#endif
