//Numpy array shape
#ifndef B8_H_
#define B8_H_

#ifndef __SYNTHESIS__
seq_fc_bias_t b8[4];
#else
seq_fc_bias_t b8[4] = {-0.265625, 0.000000, -0.109375, 0.078125};
#endif

#endif
