//Numpy array shape
#ifndef A21_H_
#define A21_H_

#ifndef __SYNTHESIS__
tok_prelu_param_t a21[5];
#else
tok_prelu_param_t a21[5] = {0.0937500, -0.2968750, 0.4609375, 0.2812500, -0.3593750};
#endif

#endif
