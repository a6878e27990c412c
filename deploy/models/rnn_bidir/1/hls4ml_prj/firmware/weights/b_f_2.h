//Numpy array shape
#ifndef B_F_2_H_
#define B_F_2_H_

#ifndef __SYNTHESIS__
bidir1_f_bias_t b_f_2[12];
#else
bidir1_f_bias_t b_f_2[12] = {-0.2578125, 0.3906250, 0.6093750, -0.3593750, 0.2656250, 0.6796875, -0.0625000, -0.1953125, 0.3515625, -0.1953125, -0.1406250, -0.8593750};
#endif

#endif
