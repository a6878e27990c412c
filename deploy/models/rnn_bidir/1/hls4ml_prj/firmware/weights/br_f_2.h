//Numpy array shape
#ifndef BR_F_2_H_
#define BR_F_2_H_

#ifndef __SYNTHESIS__
bidir1_f_recurrent_bias_t br_f_2[12];
#else
bidir1_f_recurrent_bias_t br_f_2[12] = {-0.171875, -0.078125, 0.156250, -0.562500, 0.203125, 0.093750, 0.343750, -0.734375, 0.265625, -0.578125, 0.078125, -0.078125};
#endif

#endif
