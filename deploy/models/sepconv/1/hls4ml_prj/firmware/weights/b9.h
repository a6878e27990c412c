//Numpy array shape
#ifndef B9_H_
#define B9_H_

#ifndef __SYNTHESIS__
dw2_bias_t b9[2];
#else
dw2_bias_t b9[2] = {0.406250, -0.484375};
#endif

#endif
