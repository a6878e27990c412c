#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 6
#define N_INPUT_1_2 6

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<12,4> input_t;
typedef ap_fixed<10,3,AP_RND,AP_SAT> input2_t;
typedef ap_fixed<14,5> layer2_t;
typedef ap_fixed<8,2> dense_a_weight_t;
typedef ap_fixed<8,2> dense_a_bias_t;
typedef ap_fixed<20,8> dense_a_accum_t;
typedef ap_fixed<14,5> layer3_t;
typedef ap_fixed<18,8> dense_a_relu_table_t;
typedef ap_fixed<13,5,AP_RND,AP_SAT> layer4_t;
typedef ap_fixed<8,2> dense_b_weight_t;
typedef ap_fixed<8,2> dense_b_bias_t;
typedef ap_fixed<20,8> dense_b_accum_t;
typedef ap_fixed<15,6> layer5_t;
typedef ap_ufixed<8,1,AP_RND,AP_SAT> layer6_t;
typedef ap_fixed<16,6> gate_slope_t;
typedef ap_fixed<16,6> gate_shift_t;
typedef ap_fixed<16,6> result2_t;
typedef ap_fixed<15,6> layer8_t;
typedef ap_fixed<15,6> layer9_t;
typedef ap_fixed<18,8> concat_thr_table_t;
typedef ap_fixed<16,6> concat_thr_param_t;
typedef ap_fixed<16,6> result_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;

#endif
