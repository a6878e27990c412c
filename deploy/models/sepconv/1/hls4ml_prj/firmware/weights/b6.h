//Numpy array shape
#ifndef B6_H_
#define B6_H_

#ifndef __SYNTHESIS__
sep1_pointwise_bias_t b6[4];
#else
sep1_pointwise_bias_t b6[4] = {-0.312500, -0.531250, 0.609375, -0.093750};
#endif

#endif
