//Numpy array shape
#ifndef B8_H_
#define B8_H_

#ifndef __SYNTHESIS__
seq_fc_bias_t b8[5];
#else
seq_fc_bias_t b8[5] = {0.296875, 0.015625, -0.109375, -0.703125, 0.109375};
#endif

#endif
