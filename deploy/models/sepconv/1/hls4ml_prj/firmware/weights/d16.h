//Numpy array shape
#ifndef D16_H_
#define D16_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d16[18];
#else
sep2_depthwise_weight_t d16[18] = {-1.171875, 0.109375, -0.234375, -0.671875, -1.484375, -0.593750, 0.375000, -0.171875, -0.578125, 0.812500, -0.375000, 1.078125, 0.921875, 0.484375, 1.046875, 1.046875, 0.140625, 0.171875};
#endif

#endif
