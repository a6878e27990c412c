//Numpy array shape
#ifndef A24_H_
#define A24_H_

#ifndef __SYNTHESIS__
tok_prelu_param_t a24[5];
#else
tok_prelu_param_t a24[5] = {-0.1250000, -0.1406250, -0.0078125, -0.4765625, 0.0000000};
#endif

#endif
