//Numpy array shape
#ifndef B16_H_
#define B16_H_

#ifndef __SYNTHESIS__
dw2_bias_t b16[2];
#else
dw2_bias_t b16[2] = {-0.312500, 0.890625};
#endif

#endif
