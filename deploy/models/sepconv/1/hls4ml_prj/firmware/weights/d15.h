//Numpy array shape
#ifndef D15_H_
#define D15_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d15[18];
#else
sep2_depthwise_weight_t d15[18] = {0.109375, 0.156250, 0.296875, -0.171875, 0.031250, -0.125000, -0.765625, 0.281250, -0.437500, 0.093750, -1.171875, 0.109375, -0.234375, -0.671875, -1.484375, -0.593750, 0.375000, -0.171875};
#endif

#endif
