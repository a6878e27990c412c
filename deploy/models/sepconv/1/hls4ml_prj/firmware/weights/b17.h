//Numpy array shape
#ifndef B17_H_
#define B17_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b17[5];
#else
img_fc_bias_t b17[5] = {0.171875, 0.187500, 0.015625, 0.281250, -0.453125};
#endif

#endif
