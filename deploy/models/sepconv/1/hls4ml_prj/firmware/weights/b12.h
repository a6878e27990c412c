//Numpy array shape
#ifndef B12_H_
#define B12_H_

#ifndef __SYNTHESIS__
gap_fc_bias_t b12[5];
#else
gap_fc_bias_t b12[5] = {0.109375, 0.000000, -0.093750, 0.375000, -0.406250};
#endif

#endif
