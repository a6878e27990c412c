//Numpy array shape
#ifndef B3_H_
#define B3_H_

#ifndef __SYNTHESIS__
conv1_bias_t b3[3];
#else
conv1_bias_t b3[3] = {-0.343750, -0.046875, 0.203125};
#endif

#endif
