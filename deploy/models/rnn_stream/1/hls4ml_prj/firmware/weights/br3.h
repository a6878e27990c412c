//Numpy array shape
#ifndef BR3_H_
#define BR3_H_

#ifndef __SYNTHESIS__
lstm_recurrent_bias_t br3[12];
#else
lstm_recurrent_bias_t br3[12] = {-0.55078125, 0.27343750, 0.12109375, 0.74218750, 0.22656250, 0.23046875, 0.20312500, -0.29296875, 0.14453125, -0.00781250, -0.06250000, 0.04687500};
#endif

#endif
