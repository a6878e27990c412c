//Numpy array shape
#ifndef B23_H_
#define B23_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b23[5];
#else
tok_fc_bias_t b23[5] = {1.0, 1.0, 0.0, 1.0, 1.0};
#endif

#endif
