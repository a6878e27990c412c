//Numpy array shape
#ifndef B11_H_
#define B11_H_

#ifndef __SYNTHESIS__
fc_bias_t b11[5];
#else
fc_bias_t b11[5] = {0.015625, -0.390625, 0.593750, -0.109375, 0.359375};
#endif

#endif
