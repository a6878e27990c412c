//Numpy array shape
#ifndef B24_H_
#define B24_H_

#ifndef __SYNTHESIS__
head_bias_t b24[4];
#else
head_bias_t b24[4] = {-0.359375, 0.062500, 0.390625, 0.125000};
#endif

#endif
