//Numpy array shape
#ifndef B23_H_
#define B23_H_

#ifndef __SYNTHESIS__
head_bias_t b23[2];
#else
head_bias_t b23[2] = {-0.078125, -0.250000};
#endif

#endif
