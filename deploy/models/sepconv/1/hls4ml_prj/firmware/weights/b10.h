//Numpy array shape
#ifndef B10_H_
#define B10_H_

#ifndef __SYNTHESIS__
seq_fc_bias_t b10[5];
#else
seq_fc_bias_t b10[5] = {0.406250, -0.125000, -0.093750, 0.578125, -0.140625};
#endif

#endif
