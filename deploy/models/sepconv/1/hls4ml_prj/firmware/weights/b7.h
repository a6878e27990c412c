//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
pw1_bias_t b7[3];
#else
pw1_bias_t b7[3] = {0.125000, -0.546875, -0.234375};
#endif

#endif
