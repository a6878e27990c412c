//Numpy array shape
#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
dense_a_bias_t b2[4];
#else
dense_a_bias_t b2[4] = {0.218750, 0.562500, -0.296875, -0.328125};
#endif

#endif
