//Numpy array shape
#ifndef D16_H_
#define D16_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d16[8];
#else
sep2_depthwise_weight_t d16[8] = {0.140625, -0.765625, 0.781250, -0.484375, 0.781250, -0.453125, 0.843750, -0.796875};
#endif

#endif
