//Numpy array shape
#ifndef B13_H_
#define B13_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b13[5];
#else
img_fc_bias_t b13[5] = {0.078125, -0.078125, 0.265625, 0.296875, 0.265625};
#endif

#endif
