//Numpy array shape
#ifndef S2_H_
#define S2_H_

#ifndef __SYNTHESIS__
ln1_scale_t s2[6];
#else
ln1_scale_t s2[6] = {1.20703125, 1.40234375, 1.20312500, 0.92187500, 1.14453125, 0.67968750};
#endif

#endif
