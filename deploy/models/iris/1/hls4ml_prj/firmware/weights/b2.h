//Numpy array shape [4]
//Min -6.838867187500
//Max -1.557617187500
//Number of zeros 0

#ifndef B2_H_
#define B2_H_

#ifndef __SYNTHESIS__
standardize_bias_t b2[4];
#else
standardize_bias_t b2[4] = {-6.8388671875, -6.7148437500, -2.1318359375, -1.5576171875};
#endif

#endif
