#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 18

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<12,4> input_t;
typedef ap_fixed<14,5,AP_RND> layer2_t;
typedef ap_fixed<10,2> bidir1_f_weight_t;
typedef ap_fixed<9,1> bidir1_f_recurrent_weight_t;
typedef ap_fixed<10,3> bidir1_f_bias_t;
typedef ap_fixed<8,2> bidir1_f_recurrent_bias_t;
typedef ap_fixed<16,5,AP_RND,AP_SAT> bidir1_f_accum_t;
typedef ap_fixed<18,8> bidir1_f_table_t;
typedef ap_fixed<10,3> bidir1_b_weight_t;
typedef ap_fixed<10,3> bidir1_b_recurrent_weight_t;
typedef ap_fixed<10,3> bidir1_b_bias_t;
typedef ap_fixed<10,3> bidir1_b_recurrent_bias_t;
typedef ap_fixed<16,5,AP_TRN,AP_SAT> bidir1_b_accum_t;
typedef ap_fixed<18,8> bidir1_b_table_t;
typedef ap_fixed<16,6> layer3_t;
typedef ap_fixed<10,2> bidir2_f_weight_t;
typedef ap_fixed<10,2> bidir2_f_recurrent_weight_t;
typedef ap_fixed<10,2> bidir2_f_bias_t;
typedef ap_fixed<10,2> bidir2_f_recurrent_bias_t;
typedef ap_fixed<16,6> bidir2_f_accum_t;
typedef ap_fixed<18,8> bidir2_f_table_t;
typedef ap_fixed<10,2> bidir2_b_weight_t;
typedef ap_fixed<10,2> bidir2_b_recurrent_weight_t;
typedef ap_fixed<10,2> bidir2_b_bias_t;
typedef ap_fixed<10,2> bidir2_b_recurrent_bias_t;
typedef ap_fixed<16,6> bidir2_b_accum_t;
typedef ap_fixed<18,8> bidir2_b_table_t;
typedef ap_fixed<16,6> layer4_t;
typedef ap_fixed<8,2> fc_weight_t;
typedef ap_fixed<8,2> fc_bias_t;
typedef ap_fixed<20,8> fc_accum_t;

#endif
