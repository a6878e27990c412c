//Numpy array shape
#ifndef B7_H_
#define B7_H_

#ifndef __SYNTHESIS__
fc_bias_t b7[3];
#else
fc_bias_t b7[3] = {-0.328125, 0.625000, 0.359375};
#endif

#endif
