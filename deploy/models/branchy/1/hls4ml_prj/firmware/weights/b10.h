//Numpy array shape
#ifndef B10_H_
#define B10_H_

#ifndef __SYNTHESIS__
head_bias_t b10[3];
#else
head_bias_t b10[3] = {0.187500, 0.062500, 0.734375};
#endif

#endif
