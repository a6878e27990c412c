//Numpy array shape
#ifndef B16_H_
#define B16_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b16[3];
#else
img_fc_bias_t b16[3] = {-0.625000, -0.203125, -0.359375};
#endif

#endif
