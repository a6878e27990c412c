//Numpy array shape
#ifndef BR2_H_
#define BR2_H_

#ifndef __SYNTHESIS__
gru_recurrent_bias_t br2[12];
#else
gru_recurrent_bias_t br2[12] = {0.35156250, 0.18750000, -0.03906250, 0.61328125, -0.08203125, 0.89062500, -0.07812500, 0.39062500, 0.27734375, 0.14843750, 0.13281250, -0.26171875};
#endif

#endif
