//Numpy array shape
#ifndef B13_H_
#define B13_H_

#ifndef __SYNTHESIS__
seq_fc2_bias_t b13[3];
#else
seq_fc2_bias_t b13[3] = {-0.203125, 0.078125, -0.218750};
#endif

#endif
