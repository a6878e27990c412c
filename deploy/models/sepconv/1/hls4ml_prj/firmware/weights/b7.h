//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
sep1_pointwise_bias_t b7[4];
#else
sep1_pointwise_bias_t b7[4] = {-0.312500, -0.531250, 0.609375, -0.093750};
#endif

#endif
