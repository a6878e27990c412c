#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 72

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<12,4> input_t;
typedef ap_fixed<14,5> layer2_t;
typedef ap_fixed<8,2> conv1_weight_t;
typedef ap_fixed<8,2> conv1_bias_t;
typedef ap_fixed<18,6> conv1_accum_t;
typedef ap_fixed<14,5,AP_RND,AP_SAT> layer3_t;
typedef ap_fixed<12,4> conv1_bn_scale_t;
typedef ap_fixed<12,4> conv1_bn_bias_t;
typedef ap_ufixed<12,4,AP_RND,AP_SAT> layer4_t;
typedef ap_fixed<18,8> conv1_relu_table_t;
typedef ap_ufixed<12,4> layer5_t;
typedef ap_ufixed<12,4> pool1_accum_t;
typedef ap_fixed<16,6> layer6_t;
typedef ap_fixed<6,1> conv2_weight_t;
typedef ap_fixed<6,1> conv2_bias_t;
typedef ap_fixed<16,6> conv2_accum_t;
typedef ap_fixed<14,6> layer7_t;
typedef ap_fixed<18,8> conv2_leaky_table_t;
typedef ap_fixed<16,6> conv2_leaky_param_t;
typedef ap_fixed<14,6> layer8_t;
typedef ap_fixed<16,6> pool2_accum_t;
typedef ap_fixed<14,6> layer9_t;
typedef ap_fixed<14,6> layer10_t;
typedef ap_fixed<16,6> layer11_t;
typedef ap_fixed<8,2> fc_weight_t;
typedef ap_fixed<8,2> fc_bias_t;
typedef ap_fixed<20,8> fc_accum_t;
typedef ap_fixed<16,6> result_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> fc_softmax_exp_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT,0> fc_softmax_inv_table_t;
typedef ap_fixed<18,8> fc_softmax_accum_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> fc_softmax_inv_inp_t;

#endif
