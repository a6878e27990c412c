//Numpy array shape
#ifndef D9_H_
#define D9_H_

#ifndef __SYNTHESIS__
sep1_depthwise_weight_t d9[6];
#else
sep1_depthwise_weight_t d9[6] = {-0.859375, 0.671875, -0.875000, -0.484375, -0.781250, -0.562500};
#endif

#endif
