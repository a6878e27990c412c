//Numpy array shape
#ifndef BR_B_3_H_
#define BR_B_3_H_

#ifndef __SYNTHESIS__
bidir2_b_recurrent_bias_t br_b_3[9];
#else
bidir2_b_recurrent_bias_t br_b_3[9] = {-0.19531250, -0.56640625, 0.07812500, 0.11328125, -0.08593750, -0.37500000, -0.62109375, 0.64453125, -0.54296875};
#endif

#endif
