//Numpy array shape
#ifndef S11_H_
#define S11_H_

#ifndef __SYNTHESIS__
exponent_scale11_t s11[5];
#else
exponent_scale11_t s11[5] = {{1, -4}, {1, 2}, {1, -5}, {0, -3}, {1, -8}};
#endif

#endif
