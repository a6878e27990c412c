//Numpy array shape
#ifndef B18_H_
#define B18_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b18[3];
#else
tok_fc_bias_t b18[3] = {-0.046875, -0.140625, 0.109375};
#endif

#endif
