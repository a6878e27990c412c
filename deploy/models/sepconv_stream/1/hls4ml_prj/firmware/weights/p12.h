//Numpy array shape
#ifndef P12_H_
#define P12_H_

#ifndef __SYNTHESIS__
sep2_pointwise_weight_t p12[6];
#else
sep2_pointwise_weight_t p12[6] = {-0.062500, -0.015625, 0.734375, -0.531250, -0.781250, -0.843750};
#endif

#endif
