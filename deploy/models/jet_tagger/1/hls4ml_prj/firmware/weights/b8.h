//Numpy array shape [5]
//Min -0.271484375000
//Max 0.243164062500
//Number of zeros 0

#ifndef B8_H_
#define B8_H_

#ifndef __SYNTHESIS__
output_bias_t b8[5];
#else
output_bias_t b8[5] = {-0.0849609375, -0.1777343750, -0.0800781250, 0.2431640625, -0.2714843750};
#endif

#endif
