//Numpy array shape [3]
//Min -0.738281250000
//Max 0.570312500000
//Number of zeros 0

#ifndef B5_H_
#define B5_H_

#ifndef __SYNTHESIS__
output_bias_t b5[3];
#else
output_bias_t b5[3] = {-0.3945312500, 0.5703125000, -0.7382812500};
#endif

#endif
