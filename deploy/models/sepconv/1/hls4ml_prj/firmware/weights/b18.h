//Numpy array shape
#ifndef B18_H_
#define B18_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b18[5];
#else
img_fc_bias_t b18[5] = {1.0, 0.0, -1.0, -1.0, -1.0};
#endif

#endif
