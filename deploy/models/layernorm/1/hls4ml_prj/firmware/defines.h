#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 24

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<12,4> input_t;
typedef ap_fixed<14,4,AP_RND> layer2_t;
typedef ap_fixed<20,8,AP_RND,AP_SAT> ln1_accum_t;
typedef ap_fixed<12,4> ln1_scale_t;
typedef ap_fixed<12,4> ln1_bias_t;
typedef ap_fixed<16,6> ln1_table_t;
typedef ap_fixed<16,6> layer3_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> attn_exp_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> attn_inv_table_t;
typedef ap_fixed<18,8> attn_accum_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> attn_inv_inp_t;
typedef ap_fixed<16,6> layer4_t;
typedef ap_fixed<8,2> fc1_weight_t;
typedef ap_fixed<8,2> fc1_bias_t;
typedef ap_fixed<20,8> fc1_accum_t;
typedef ap_fixed<16,6> layer5_t;
typedef ap_fixed<18,8> fc1_relu_table_t;
typedef ap_fixed<16,6> layer6_t;
typedef ap_fixed<18,8> ln2_accum_t;
typedef ap_fixed<12,4> ln2_scale_t;
typedef ap_fixed<12,4> ln2_bias_t;
typedef ap_fixed<18,8> ln2_table_t;
typedef ap_fixed<16,6> result_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;

#endif
