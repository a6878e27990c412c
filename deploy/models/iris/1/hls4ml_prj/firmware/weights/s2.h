//Numpy array shape [4]
//Min 0.563476562500
//Max 2.197265625000
//Number of zeros 0

#ifndef S2_H_
#define S2_H_

#ifndef __SYNTHESIS__
standardize_scale_t s2[4];
#else
standardize_scale_t s2[4] = {1.1640625000, 2.1972656250, 0.5634765625, 1.2919921875};
#endif

#endif
