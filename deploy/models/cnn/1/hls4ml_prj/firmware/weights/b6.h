//Numpy array shape
#ifndef B6_H_
#define B6_H_

#ifndef __SYNTHESIS__
conv2_bias_t b6[3];
#else
conv2_bias_t b6[3] = {0.15625, 0.96875, 0.06250};
#endif

#endif
