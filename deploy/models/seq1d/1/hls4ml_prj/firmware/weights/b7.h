//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
conv2_bias_t b7[2];
#else
conv2_bias_t b7[2] = {-0.468750, 0.875000};
#endif

#endif
