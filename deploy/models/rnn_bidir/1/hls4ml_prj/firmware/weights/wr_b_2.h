//Numpy array shape
#ifndef WR_B_2_H_
#define WR_B_2_H_

#ifndef __SYNTHESIS__
bidir1_b_recurrent_weight_t wr_b_2[12];
#else
bidir1_b_recurrent_weight_t wr_b_2[12] = {0.6406250, 0.1328125, 0.9453125, 0.1093750, 0.5546875, 0.2578125, -0.5312500, 0.0390625, -0.5312500, -0.3828125, -0.4921875, -0.4687500};
#endif

#endif
