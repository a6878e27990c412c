//Numpy array shape
#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
gru_bias_t b2[12];
#else
gru_bias_t b2[12] = {-0.03125000, 0.29296875, 0.08203125, 0.33593750, 0.15625000, -0.10546875, -0.00000000, 0.45703125, 0.13281250, 0.44921875, -0.10937500, 0.14062500};
#endif

#endif
