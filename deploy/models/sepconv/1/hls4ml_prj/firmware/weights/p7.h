//Numpy array shape
#ifndef P7_H_
#define P7_H_

#ifndef __SYNTHESIS__
sep1_pointwise_weight_t p7[12];
#else
sep1_pointwise_weight_t p7[12] = {-0.250000, -1.203125, 0.218750, 0.156250, -0.656250, -0.281250, -0.859375, 0.671875, -0.875000, -0.484375, -0.781250, -0.562500};
#endif

#endif
