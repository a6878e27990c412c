//Numpy array shape
#ifndef D6_H_
#define D6_H_

#ifndef __SYNTHESIS__
sep1_depthwise_weight_t d6[6];
#else
sep1_depthwise_weight_t d6[6] = {-0.812500, -0.687500, 0.578125, -1.531250, -0.062500, -0.750000};
#endif

#endif
