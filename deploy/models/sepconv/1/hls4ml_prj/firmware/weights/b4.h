//Numpy array shape
#ifndef B4_H_
#define B4_H_

#ifndef __SYNTHESIS__
dw1_bias_t b4[3];
#else
dw1_bias_t b4[3] = {0.109375, 0.890625, -0.312500};
#endif

#endif
