//Numpy array shape
#ifndef B25_H_
#define B25_H_

#ifndef __SYNTHESIS__
head_bias_t b25[4];
#else
head_bias_t b25[4] = {-0.140625, 0.140625, 0.265625, -0.203125};
#endif

#endif
