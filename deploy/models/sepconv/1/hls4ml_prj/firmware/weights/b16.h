//Numpy array shape
#ifndef B16_H_
#define B16_H_

#ifndef __SYNTHESIS__
tok_fc_bias_t b16[5];
#else
tok_fc_bias_t b16[5] = {-0.187500, -0.328125, -0.187500, -0.218750, -0.453125};
#endif

#endif
