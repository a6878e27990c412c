//Numpy array shape
#ifndef B14_H_
#define B14_H_

#ifndef __SYNTHESIS__
seq_fc2_bias_t b14[3];
#else
seq_fc2_bias_t b14[3] = {0.406250, -0.312500, -0.171875};
#endif

#endif
