//Numpy array shape
#ifndef B13_H_
#define B13_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b13[3];
#else
img_fc_bias_t b13[3] = {0.046875, -0.203125, 0.265625};
#endif

#endif
