//Numpy array shape
#ifndef B11_H_
#define B11_H_

#ifndef __SYNTHESIS__
sep2_pointwise_bias_t b11[3];
#else
sep2_pointwise_bias_t b11[3] = {0.437500, -0.312500, 1.015625};
#endif

#endif
