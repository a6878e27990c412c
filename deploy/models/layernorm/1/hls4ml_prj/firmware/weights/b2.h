//Numpy array shape
#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
ln1_bias_t b2[6];
#else
ln1_bias_t b2[6] = {-0.26171875, 0.10546875, -0.46484375, -0.21484375, 0.13281250, -0.07031250};
#endif

#endif
