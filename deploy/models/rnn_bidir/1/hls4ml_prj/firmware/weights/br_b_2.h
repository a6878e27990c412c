//Numpy array shape
#ifndef BR_B_2_H_
#define BR_B_2_H_

#ifndef __SYNTHESIS__
bidir1_b_recurrent_bias_t br_b_2[6];
#else
bidir1_b_recurrent_bias_t br_b_2[6] = {0.5234375, -0.0000000, -0.2421875, -0.0390625, -0.1562500, 0.0781250};
#endif

#endif
