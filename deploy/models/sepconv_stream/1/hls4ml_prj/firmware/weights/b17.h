//Numpy array shape
#ifndef B17_H_
#define B17_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b17[3];
#else
img_fc_bias_t b17[3] = {-0.625000, -0.203125, -0.359375};
#endif

#endif
