//Numpy array shape
#ifndef D7_H_
#define D7_H_

#ifndef __SYNTHESIS__
sep1_depthwise_weight_t d7[6];
#else
sep1_depthwise_weight_t d7[6] = {1.140625, -0.062500, 0.015625, -0.531250, -0.250000, 0.531250};
#endif

#endif
