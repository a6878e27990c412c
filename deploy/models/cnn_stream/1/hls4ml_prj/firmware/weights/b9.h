//Numpy array shape
#ifndef B9_H_
#define B9_H_

#ifndef __SYNTHESIS__
fc_bias_t b9[4];
#else
fc_bias_t b9[4] = {0.250000, -0.078125, -0.546875, 0.359375};
#endif

#endif
