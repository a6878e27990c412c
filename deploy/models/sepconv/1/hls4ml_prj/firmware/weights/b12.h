//Numpy array shape
#ifndef B12_H_
#define B12_H_

#ifndef __SYNTHESIS__
seq_fc_bias_t b12[5];
#else
seq_fc_bias_t b12[5] = {0.265625, 0.031250, 0.359375, -0.250000, 0.062500};
#endif

#endif
