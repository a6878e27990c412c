//Numpy array shape
#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
conv1_bias_t b2[4];
#else
conv1_bias_t b2[4] = {-0.531250, -0.484375, -0.625000, -0.390625};
#endif

#endif
