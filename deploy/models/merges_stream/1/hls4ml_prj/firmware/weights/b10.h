//Numpy array shape
#ifndef B10_H_
#define B10_H_

#ifndef __SYNTHESIS__
pw_ternary_bias_t b10[4];
#else
pw_ternary_bias_t b10[4] = {0.0, 1.0, -1.0, 0.0};
#endif

#endif
