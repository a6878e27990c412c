//Numpy array shape
#ifndef B6_H_
#define B6_H_

#ifndef __SYNTHESIS__
ln2_bias_t b6[8];
#else
ln2_bias_t b6[8] = {0.12890625, 0.23437500, 0.35546875, -0.10156250, 0.67578125, -0.23828125, -0.13671875, -0.08203125};
#endif

#endif
