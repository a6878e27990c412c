//Numpy array shape
#ifndef A22_H_
#define A22_H_

#ifndef __SYNTHESIS__
tok_prelu_param_t a22[5];
#else
tok_prelu_param_t a22[5] = {0.2109375, -0.0468750, 0.1484375, -0.3906250, -0.4765625};
#endif

#endif
