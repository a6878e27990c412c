#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 48
#define N_INPUT_1_2 48

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_fixed<10,4>, 3*1> input_t;
typedef nnet::array<ap_fixed<10,3,AP_RND,AP_SAT>, 3*1> input2_t;
typedef nnet::array<ap_fixed<11,5>, 3*1> layer2_t;
typedef nnet::array<ap_fixed<10,4>, 3*1> layer3_t;
typedef nnet::array<ap_fixed<11,5,AP_RND,AP_SAT>, 3*1> layer4_t;
typedef nnet::array<ap_fixed<10,4,AP_RND_CONV>, 3*1> layer5_t;
typedef nnet::array<ap_fixed<12,6,AP_TRN,AP_SAT>, 3*1> layer6_t;
typedef nnet::array<ap_fixed<8,2,AP_RND,AP_SAT>, 3*1> layer7_t;
typedef ap_fixed<16,6> avg_hard_tanh_slope_t;
typedef ap_fixed<16,6> avg_hard_tanh_shift_t;
typedef nnet::array<ap_fixed<12,6>, 6*1> layer8_t;
typedef nnet::array<ap_fixed<12,6>, 12*1> layer9_t;
typedef nnet::array<ap_fixed<14,5>, 4*1> layer10_t;
typedef ap_int<2> pw_ternary_weight_t;
typedef ap_int<2> pw_ternary_bias_t;
typedef ap_fixed<16,6> pw_ternary_accum_t;
typedef nnet::array<ap_ufixed<10,4>, 4*1> layer11_t;
typedef ap_fixed<18,8> pw_relu_table_t;
typedef nnet::array<ap_fixed<14,5>, 8*1> layer12_t;
typedef nnet::array<ap_fixed<14,5>, 64*1> layer13_t;
typedef nnet::array<ap_fixed<16,6>, 5*1> result_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;

#endif
