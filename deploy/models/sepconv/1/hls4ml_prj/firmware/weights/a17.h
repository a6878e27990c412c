//Numpy array shape
#ifndef A17_H_
#define A17_H_

#ifndef __SYNTHESIS__
tok_prelu_param_t a17[5];
#else
tok_prelu_param_t a17[5] = {-0.1640625, -0.1640625, 0.4843750, 0.3437500, 0.2421875};
#endif

#endif
