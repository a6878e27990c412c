//Numpy array shape
#ifndef WR_F_3_H_
#define WR_F_3_H_

#ifndef __SYNTHESIS__
bidir2_f_recurrent_weight_t wr_f_3[12];
#else
bidir2_f_recurrent_weight_t wr_f_3[12] = {0.54687500, -0.15234375, -0.31250000, 0.39843750, -0.08984375, -0.18359375, 0.33593750, -0.05468750, -0.23046875, -0.31250000, -0.60156250, 0.08984375};
#endif

#endif
