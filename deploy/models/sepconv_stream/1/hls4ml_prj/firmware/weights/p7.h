//Numpy array shape
#ifndef P7_H_
#define P7_H_

#ifndef __SYNTHESIS__
sep1_pointwise_weight_t p7[12];
#else
sep1_pointwise_weight_t p7[12] = {-0.812500, 0.890625, 0.515625, -0.406250, -0.281250, -0.484375, 0.500000, -0.296875, 0.062500, -0.875000, -0.609375, 0.453125};
#endif

#endif
