//Numpy array shape
#ifndef B_F_3_H_
#define B_F_3_H_

#ifndef __SYNTHESIS__
bidir2_f_bias_t b_f_3[6];
#else
bidir2_f_bias_t b_f_3[6] = {-0.44921875, -0.30859375, -0.32031250, -0.17578125, 0.00390625, 0.13281250};
#endif

#endif
