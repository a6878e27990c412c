//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
conv1_bias_t b4[3];
#else
conv1_bias_t b4[3] = {-0.328125, -0.156250, 0.203125};
#endif

#endif
