//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
fc1_bias_t b4[8];
#else
fc1_bias_t b4[8] = {-0.265625, 0.046875, -0.328125, -0.140625, -0.234375, 0.171875, 0.171875, -0.187500};
#endif

#endif
