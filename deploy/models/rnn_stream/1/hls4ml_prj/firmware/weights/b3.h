//Numpy array shape
#ifndef B3_H_
#define B3_H_

#ifndef __SYNTHESIS__
lstm_bias_t b3[12];
#else
lstm_bias_t b3[12] = {0.07031250, 0.27734375, -0.10156250, -0.80078125, 0.30859375, 0.16015625, -0.14843750, -0.15234375, -0.28906250, -0.51562500, 0.57031250, -0.32031250};
#endif

#endif
