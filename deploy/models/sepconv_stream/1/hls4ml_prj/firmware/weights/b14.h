//Numpy array shape
#ifndef B14_H_
#define B14_H_

#ifndef __SYNTHESIS__
dw2_bias_t b14[2];
#else
dw2_bias_t b14[2] = {0.015625, -0.171875};
#endif

#endif
