//Numpy array shape
#ifndef B14_H_
#define B14_H_

#ifndef __SYNTHESIS__
head_bias_t b14[5];
#else
head_bias_t b14[5] = {0.156250, -0.015625, 0.421875, -0.078125, 0.500000};
#endif

#endif
