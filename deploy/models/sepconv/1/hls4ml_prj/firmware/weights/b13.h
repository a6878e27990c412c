//Numpy array shape
#ifndef B13_H_
#define B13_H_

#ifndef __SYNTHESIS__
seq_fc_alpha_bias_t b13[5];
#else
seq_fc_alpha_bias_t b13[5] = {-0.29687500, -0.32812500, 0.07812500, -0.20703125, 0.16796875};
#endif

#endif
