//Numpy array shape
#ifndef D7_H_
#define D7_H_

#ifndef __SYNTHESIS__
sep1_depthwise_weight_t d7[6];
#else
sep1_depthwise_weight_t d7[6] = {-0.812500, -0.687500, 0.578125, -1.531250, -0.062500, -0.750000};
#endif

#endif
