//Numpy array shape
#ifndef B_B_2_H_
#define B_B_2_H_

#ifndef __SYNTHESIS__
bidir1_b_bias_t b_b_2[6];
#else
bidir1_b_bias_t b_b_2[6] = {0.0234375, 0.1250000, 0.7734375, 0.1484375, -0.0390625, -0.3046875};
#endif

#endif
