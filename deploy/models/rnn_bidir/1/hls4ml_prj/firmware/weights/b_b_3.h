//Numpy array shape
#ifndef B_B_3_H_
#define B_B_3_H_

#ifndef __SYNTHESIS__
bidir2_b_bias_t b_b_3[9];
#else
bidir2_b_bias_t b_b_3[9] = {-0.16796875, -0.06250000, 0.15625000, 0.43359375, 0.53906250, 0.63671875, -0.50390625, 0.05859375, 0.16015625};
#endif

#endif
