//Numpy array shape
#ifndef B20_H_
#define B20_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b20[3];
#else
tok_fc_bias_t b20[3] = {-0.046875, -0.140625, 0.109375};
#endif

#endif
