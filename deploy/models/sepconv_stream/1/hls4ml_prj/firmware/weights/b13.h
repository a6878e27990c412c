//Numpy array shape
#ifndef B13_H_
#define B13_H_

#ifndef __SYNTHESIS__
dw2_bias_t b13[2];
#else
dw2_bias_t b13[2] = {0.015625, -0.171875};
#endif

#endif
