//Numpy array shape
#ifndef B17_H_
#define B17_H_

#ifndef __SYNTHESIS__
head_bias_t b17[2];
#else
head_bias_t b17[2] = {-0.328125, 0.109375};
#endif

#endif
