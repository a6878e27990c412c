//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
head_bias_t b7[3];
#else
head_bias_t b7[3] = {0.093750, 0.296875, -0.015625};
#endif

#endif
