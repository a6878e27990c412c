//Numpy array shape
#ifndef B20_H_
#define B20_H_

#ifndef __SYNTHESIS__
img_fc_bias_t b20[5];
#else
img_fc_bias_t b20[5] = {1.0, -1.0, -1.0, -1.0, 0.0};
#endif

#endif
