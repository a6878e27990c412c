//Numpy array shape
#ifndef B20_H_
#define B20_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b20[5];
#else
tok_fc_bias_t b20[5] = {0.031250, -0.062500, -0.203125, 0.015625, -0.062500};
#endif

#endif
