//Numpy array shape
#ifndef S13_H_
#define S13_H_

#ifndef __SYNTHESIS__
exponent_scale13_t s13[5];
#else
exponent_scale13_t s13[5] = {{0, 2}, {1, -6}, {0, 0}, {0, -7}, {1, -5}};
#endif

#endif
