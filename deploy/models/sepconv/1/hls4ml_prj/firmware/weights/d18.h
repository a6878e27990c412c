//Numpy array shape
#ifndef D18_H_
#define D18_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d18[18];
#else
sep2_depthwise_weight_t d18[18] = {0.921875, 0.484375, 1.046875, 1.046875, 0.140625, 0.171875, 0.125000, -0.328125, 1.500000, -0.453125, -0.437500, -0.046875, 0.437500, 0.593750, 0.031250, -0.203125, -1.406250, 0.218750};
#endif

#endif
