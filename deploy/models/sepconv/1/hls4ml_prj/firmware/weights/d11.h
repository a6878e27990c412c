//Numpy array shape
#ifndef D11_H_
#define D11_H_

#ifndef __SYNTHESIS__
sep2_depthwise_weight_t d11[18];
#else
sep2_depthwise_weight_t d11[18] = {0.171875, -0.281250, -0.390625, -0.390625, 0.625000, -0.937500, -0.015625, 0.484375, 0.718750, -0.312500, 0.015625, -0.953125, -0.093750, 0.015625, -0.062500, 0.609375, 0.203125, 0.156250};
#endif

#endif
