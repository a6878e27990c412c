//Numpy array shape
#ifndef A21_H_
#define A21_H_

#ifndef __SYNTHESIS__
tok_prelu_param_t a21[3];
#else
tok_prelu_param_t a21[3] = {0.0703125, -0.2890625, 0.2656250};
#endif

#endif
