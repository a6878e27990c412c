//Numpy array shape
#ifndef B11_H_
#define B11_H_

#ifndef __SYNTHESIS__
seq_fc_alpha_bias_t b11[5];
#else
seq_fc_alpha_bias_t b11[5] = {-0.15625000, -0.10546875, 0.26562500, 0.03515625, 0.35937500};
#endif

#endif
