//Numpy array shape [1]
//Min 0.218750000000
//Max 0.218750000000
//Number of zeros 0

#ifndef B14_H_
#define B14_H_

#ifndef __SYNTHESIS__
output_bias_t b14[1];
#else
output_bias_t b14[1] = {0.2187500000};
#endif

#endif
