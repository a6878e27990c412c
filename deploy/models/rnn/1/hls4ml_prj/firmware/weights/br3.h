//Numpy array shape
#ifndef BR3_H_
#define BR3_H_

#ifndef __SYNTHESIS__
gru_recurrent_bias_t br3[9];
#else
gru_recurrent_bias_t br3[9] = {0.1406250, 0.1484375, 0.3046875, 0.3906250, 0.2500000, -0.3671875, -0.1093750, -0.3671875, 0.3906250};
#endif

#endif
