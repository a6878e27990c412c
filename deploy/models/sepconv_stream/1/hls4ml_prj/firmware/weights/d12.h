//Numpy array shape
#ifndef D12_H_
#define D12_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d12[8];
#else
sep2_depthwise_weight_t d12[8] = {-0.531250, -0.578125, -0.015625, -0.390625, -0.578125, -0.062500, 0.484375, 0.546875};
#endif

#endif
