//Numpy array shape
#ifndef BR_F_3_H_
#define BR_F_3_H_

#ifndef __SYNTHESIS__
bidir2_f_recurrent_bias_t br_f_3[6];
#else
bidir2_f_recurrent_bias_t br_f_3[6] = {-0.08984375, 0.32421875, 0.61718750, -0.73046875, 0.64843750, -0.54296875};
#endif

#endif
