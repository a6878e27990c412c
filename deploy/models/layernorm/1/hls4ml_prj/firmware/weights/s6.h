//Numpy array shape
#ifndef S6_H_
#define S6_H_

#ifndef __SYNTHESIS__
ln2_scale_t s6[8];
#else
ln2_scale_t s6[8] = {1.32812500, 1.47656250, 1.29687500, 1.09765625, 0.82421875, 0.64062500, 1.35546875, 1.14843750};
#endif

#endif
