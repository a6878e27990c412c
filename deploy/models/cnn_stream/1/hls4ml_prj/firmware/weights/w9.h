//Numpy array shape
#ifndef W9_H_
#define W9_H_

#ifndef __SYNTHESIS__
fc_weight_t w9[8];
#else
fc_weight_t w9[8] = {0.234375, 0.234375, 1.546875, -0.218750, 0.500000, 0.437500, -0.703125, 0.515625};
#endif

#endif
