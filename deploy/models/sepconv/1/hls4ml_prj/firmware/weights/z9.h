//Numpy array shape
#ifndef Z9_H_
#define Z9_H_

#ifndef __SYNTHESIS__
sep1_depthwise_bias_t z9[3];
#else
sep1_depthwise_bias_t z9[3] = {-0.625000, -0.312500, -0.125000};
#endif

#endif
