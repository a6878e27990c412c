//Numpy array shape
#ifndef W7_H_
#define W7_H_

#ifndef __SYNTHESIS__
pw1_weight_t w7[9];
#else
pw1_weight_t w7[9] = {-0.812500, -0.687500, 0.578125, -1.531250, -0.062500, -0.750000, -0.250000, -1.203125, 0.218750};
#endif

#endif
