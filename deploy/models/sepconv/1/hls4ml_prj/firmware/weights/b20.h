//Numpy array shape
#ifndef B20_H_
#define B20_H_

#ifndef __SYNTHESIS__
head_bias_t b20[4];
#else
head_bias_t b20[4] = {0.265625, -0.000000, -0.343750, -0.312500};
#endif

#endif
