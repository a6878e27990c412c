//Numpy array shape
#ifndef B21_H_
#define B21_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b21[5];
#else
tok_fc_bias_t b21[5] = {1.0, 1.0, 0.0, 1.0, 0.0};
#endif

#endif
