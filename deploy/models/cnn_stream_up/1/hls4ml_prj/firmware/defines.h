#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 32

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_fixed<10,4>, 2*1> input_t;
typedef nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 2*1> layer2_t;
typedef nnet::array<ap_fixed<9,4,AP_RND,AP_SAT>, 2*1> layer3_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer4_t;
typedef ap_fixed<8,2> conv1_weight_t;
typedef ap_fixed<8,2> conv1_bias_t;
typedef ap_fixed<18,6> conv1_accum_t;
typedef nnet::array<ap_ufixed<10,0,AP_RND,AP_SAT>, 3*1> layer5_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> pixel_softmax_exp_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> pixel_softmax_inv_table_t;
typedef ap_fixed<18,8> pixel_softmax_accum_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> pixel_softmax_inv_inp_t;
typedef nnet::array<ap_ufixed<10,0>, 3*1> layer6_t;
typedef ap_ufixed<10,0> gmp_accum_t;
typedef nnet::array<ap_fixed<16,6>, 3*1> layer7_t;
typedef ap_fixed<8,2> fc_weight_t;
typedef ap_fixed<8,2> fc_bias_t;
typedef ap_fixed<20,8> fc_accum_t;
typedef nnet::array<ap_fixed<16,6>, 3*1> result_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> fc_softmax_exp_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> fc_softmax_inv_table_t;
typedef ap_fixed<18,8> fc_softmax_accum_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> fc_softmax_inv_inp_t;

#endif
