//Numpy array shape
#ifndef BR2_H_
#define BR2_H_

#ifndef __SYNTHESIS__
lstm_recurrent_bias_t br2[16];
#else
lstm_recurrent_bias_t br2[16] = {0.078125, -0.250000, 0.406250, 0.421875, 0.031250, 0.000000, 0.593750, 0.078125, -0.062500, 0.281250, -0.750000, -0.015625, -0.390625, -0.156250, 0.015625, 0.187500};
#endif

#endif
