//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
dense_b_bias_t b4[4];
#else
dense_b_bias_t b4[4] = {-0.156250, 0.078125, 0.218750, -0.390625};
#endif

#endif
