#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 16
#define N_INPUT_1_2 32
#define N_INPUT_1_3 4

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<10,4> input_t;
typedef ap_fixed<10,4,AP_RND,AP_SAT> input2_t;
typedef ap_uint<3> input3_t;
typedef ap_fixed<14,5> layer2_t;
typedef ap_fixed<8,2> conv1_weight_t;
typedef ap_fixed<8,2> conv1_bias_t;
typedef ap_fixed<18,7> conv1_accum_t;
typedef ap_fixed<12,4,AP_RND,AP_SAT> layer3_t;
typedef ap_fixed<18,8> conv1_elu_table_t;
typedef ap_fixed<16,6> conv1_elu_param_t;
typedef ap_fixed<8,2> dw1_weight_t;
typedef ap_fixed<8,2> dw1_bias_t;
typedef ap_fixed<16,6,AP_RND,AP_SAT> dw1_accum_t;
typedef ap_fixed<14,5> layer4_t;
typedef ap_ufixed<12,4,AP_RND,AP_SAT> layer5_t;
typedef ap_fixed<16,5,AP_RND,AP_SAT> dw1_softplus_table_t;
typedef ap_ufixed<12,4> layer6_t;
typedef ap_ufixed<12,4,AP_RND,AP_SAT> gap1_accum_t;
typedef ap_fixed<14,5> layer7_t;
typedef ap_fixed<8,2> pw1_weight_t;
typedef ap_fixed<8,2> pw1_bias_t;
typedef ap_fixed<18,7> pw1_accum_t;
typedef ap_fixed<12,4,AP_RND,AP_SAT> layer8_t;
typedef ap_fixed<18,8> pw1_elu_table_t;
typedef ap_fixed<8,2> sep1_depthwise_weight_t;
typedef ap_fixed<8,2> sep1_depthwise_bias_t;
typedef ap_fixed<18,7> sep1_depthwise_accum_t;
typedef ap_fixed<8,2> sep1_pointwise_weight_t;
typedef ap_fixed<8,2> sep1_pointwise_bias_t;
typedef ap_fixed<18,7> sep1_pointwise_accum_t;
typedef ap_fixed<14,5,AP_RND,AP_SAT> layer9_dw_t;
typedef ap_fixed<14,5> layer9_t;
typedef ap_fixed<10,1,AP_RND,AP_SAT> layer10_t;
typedef ap_fixed<18,8> sep1_softsign_table_t;
typedef ap_fixed<10,1> layer11_t;
typedef ap_fixed<12,3> pool1_accum_t;
typedef ap_fixed<10,1,AP_RND,AP_SAT> layer12_t;
typedef ap_fixed<8,2> seq_fc_weight_t;
typedef ap_fixed<8,2> seq_fc_bias_t;
typedef ap_fixed<20,8> seq_fc_accum_t;
typedef ap_fixed<16,5,AP_RND,AP_SAT> layer13_t;
typedef struct exponent_scale13_t {ap_uint<1> sign;ap_int<4> weight; } exponent_scale13_t;
typedef ap_fixed<12,4> seq_fc_alpha_bias_t;
typedef ap_fixed<14,5> layer14_t;
typedef ap_fixed<8,2> gap_fc_weight_t;
typedef ap_fixed<8,2> gap_fc_bias_t;
typedef ap_fixed<20,8> gap_fc_accum_t;
typedef ap_fixed<14,5> layer15_t;
typedef ap_fixed<8,2> dw2_weight_t;
typedef ap_fixed<8,2> dw2_bias_t;
typedef ap_fixed<18,7> dw2_accum_t;
typedef ap_fixed<14,5,AP_RND_CONV,AP_SAT> layer16_t;
typedef ap_fixed<14,5,AP_RND,AP_SAT> layer17_t;
typedef ap_fixed<18,8> dw2_selu_table_t;
typedef ap_fixed<8,2> sep2_depthwise_weight_t;
typedef ap_fixed<8,2> sep2_depthwise_bias_t;
typedef ap_fixed<16,6> sep2_depthwise_accum_t;
typedef ap_fixed<8,2> sep2_pointwise_weight_t;
typedef ap_fixed<8,2> sep2_pointwise_bias_t;
typedef ap_fixed<16,6> sep2_pointwise_accum_t;
typedef ap_fixed<14,5,AP_RND,AP_SAT> layer18_dw_t;
typedef ap_fixed<14,5> layer18_t;
typedef ap_fixed<12,4,AP_RND,AP_SAT> layer19_t;
typedef ap_fixed<14,5> layer20_t;
typedef ap_int<2> img_fc_weight_t;
typedef ap_int<2> img_fc_bias_t;
typedef ap_fixed<18,8> img_fc_accum_t;
typedef ap_ufixed<10,3> layer21_t;
typedef ap_fixed<18,8> img_relu6_table_t;
typedef ap_fixed<12,4> layer22_t;
typedef ap_fixed<8,3> embed_embeddings_t;
typedef ap_fixed<14,5> layer23_t;
typedef ap_uint<1> tok_fc_weight_t;
typedef ap_uint<1> tok_fc_bias_t;
typedef ap_fixed<18,8> tok_fc_accum_t;
typedef ap_fixed<14,5> layer24_t;
typedef ap_fixed<8,1> tok_prelu_param_t;
typedef ap_fixed<18,8> tok_prelu_table_t;
typedef ap_ufixed<10,1> layer25_t;
typedef ap_fixed<18,8> tok_relu1_table_t;
typedef ap_fixed<15,6> layer26_t;
typedef ap_fixed<15,6> layer27_t;
typedef ap_fixed<14,5> layer28_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;
typedef ap_int<2> layer29_t;
typedef ap_fixed<18,8> head_binary_table_t;
typedef ap_fixed<4,2> layer30_t;
typedef ap_fixed<18,8> add_ternary_table_t;
typedef ap_fixed<16,8,AP_RND,AP_SAT> layer31_t;
typedef ap_fixed<20,8> dot_accum_t;

#endif
