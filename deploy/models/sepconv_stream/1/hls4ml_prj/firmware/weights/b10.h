//Numpy array shape
#ifndef B10_H_
#define B10_H_

#ifndef __SYNTHESIS__
seq_fc_bias_t b10[4];
#else
seq_fc_bias_t b10[4] = {0.781250, 0.000000, 0.500000, -0.406250};
#endif

#endif
