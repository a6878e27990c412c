//Numpy array shape
#ifndef B3_H_
#define B3_H_

#ifndef __SYNTHESIS__
gru_bias_t b3[9];
#else
gru_bias_t b3[9] = {0.4843750, 0.2968750, 0.3437500, -0.1875000, -1.0781250, 0.4296875, -0.4921875, 0.1250000, 0.2656250};
#endif

#endif
