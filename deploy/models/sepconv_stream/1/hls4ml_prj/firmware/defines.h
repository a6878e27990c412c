#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 20
#define N_INPUT_1_2 50
#define N_INPUT_1_3 4

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_fixed<10,4>, 2*1> input_t;
typedef nnet::array<ap_fixed<10,4,AP_RND,AP_SAT>, 2*1> input2_t;
typedef nnet::array<ap_uint<3>, 4*1> input3_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer2_t;
typedef ap_fixed<8,2> conv1_weight_t;
typedef ap_fixed<8,2> conv1_bias_t;
typedef ap_fixed<18,7> conv1_accum_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer3_t;
typedef ap_fixed<18,8> conv1_leaky_table_t;
typedef ap_fixed<16,6> conv1_leaky_param_t;
typedef nnet::array<ap_fixed<12,4,AP_RND,AP_SAT>, 3*1> layer4_t;
typedef ap_fixed<18,8> conv1_elu_table_t;
typedef ap_fixed<16,6> conv1_elu_param_t;
typedef ap_fixed<8,2> dw1_weight_t;
typedef ap_fixed<8,2> dw1_bias_t;
typedef ap_fixed<16,6,AP_RND,AP_SAT> dw1_accum_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer5_t;
typedef nnet::array<ap_fixed<14,5,AP_RND,AP_SAT>, 3*1> layer6_t;
typedef ap_fixed<18,8> dw1_selu_table_t;
typedef ap_fixed<8,2> sep1_depthwise_weight_t;
typedef ap_fixed<8,2> sep1_depthwise_bias_t;
typedef ap_fixed<18,7> sep1_depthwise_accum_t;
typedef ap_fixed<8,2> sep1_pointwise_weight_t;
typedef ap_fixed<8,2> sep1_pointwise_bias_t;
typedef ap_fixed<18,7> sep1_pointwise_accum_t;
typedef nnet::array<ap_fixed<14,5,AP_RND,AP_SAT>, 3*1> layer7_dw_t;
typedef nnet::array<ap_fixed<14,5>, 4*1> layer7_t;
typedef nnet::array<ap_ufixed<12,4,AP_RND,AP_SAT>, 4*1> layer8_t;
typedef ap_fixed<18,8> sep1_softplus_table_t;
typedef nnet::array<ap_ufixed<12,4>, 4*1> layer9_t;
typedef ap_ufixed<12,4> pool1_accum_t;
typedef nnet::array<ap_fixed<14,5>, 4*1> layer10_t;
typedef ap_fixed<8,2> seq_fc_weight_t;
typedef ap_fixed<8,2> seq_fc_bias_t;
typedef ap_fixed<20,8> seq_fc_accum_t;
typedef nnet::array<ap_fixed<4,2>, 4*1> layer11_t;
typedef ap_fixed<18,8> seq_ternary_table_t;
typedef nnet::array<ap_ufixed<12,4>, 2*1> layer12_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer13_t;
typedef ap_fixed<8,2> seq_fc2_weight_t;
typedef ap_fixed<8,2> seq_fc2_bias_t;
typedef ap_fixed<20,8> seq_fc2_accum_t;
typedef ap_fixed<8,2> dw2_weight_t;
typedef ap_fixed<8,2> dw2_bias_t;
typedef ap_fixed<18,7> dw2_accum_t;
typedef nnet::array<ap_fixed<14,5,AP_RND_CONV,AP_SAT>, 2*1> layer14_t;
typedef nnet::array<ap_fixed<10,1,AP_RND,AP_SAT>, 2*1> layer15_t;
typedef ap_fixed<18,8> dw2_softsign_table_t;
typedef ap_fixed<8,2> sep2_depthwise_weight_t;
typedef ap_fixed<8,2> sep2_depthwise_bias_t;
typedef ap_fixed<16,6> sep2_depthwise_accum_t;
typedef ap_fixed<8,2> sep2_pointwise_weight_t;
typedef ap_fixed<8,2> sep2_pointwise_bias_t;
typedef ap_fixed<16,6> sep2_pointwise_accum_t;
typedef nnet::array<ap_fixed<14,5,AP_RND,AP_SAT>, 2*1> layer16_dw_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer16_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer17_t;
typedef ap_fixed<8,2> img_fc_weight_t;
typedef ap_fixed<8,2> img_fc_bias_t;
typedef ap_fixed<20,8> img_fc_accum_t;
typedef nnet::array<ap_ufixed<8,1,AP_RND,AP_SAT>, 3*1> layer18_t;
typedef ap_fixed<16,6> img_hard_sigmoid_slope_t;
typedef ap_fixed<16,6> img_hard_sigmoid_shift_t;
typedef nnet::array<ap_fixed<12,4>, 3*1> layer19_t;
typedef ap_fixed<8,3> embed_embeddings_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer20_t;
typedef ap_fixed<8,2> tok_fc_weight_t;
typedef ap_fixed<8,2> tok_fc_bias_t;
typedef ap_fixed<20,8> tok_fc_accum_t;
typedef nnet::array<ap_fixed<14,5>, 3*1> layer21_t;
typedef ap_fixed<8,1> tok_prelu_param_t;
typedef ap_fixed<18,8> tok_prelu_table_t;
typedef nnet::array<ap_ufixed<10,3>, 3*1> layer22_t;
typedef ap_fixed<18,8> tok_relu_table_t;
typedef nnet::array<ap_ufixed<10,3>, 3*1> layer23_t;
typedef ap_fixed<18,8> tok_thresholded_table_t;
typedef ap_fixed<16,6> tok_thresholded_param_t;
typedef nnet::array<ap_fixed<15,6>, 3*1> layer24_t;
typedef nnet::array<ap_fixed<15,6>, 6*1> layer25_t;
typedef nnet::array<ap_uint<1>, 6*1> layer26_t;
typedef ap_fixed<18,8> concat_binary_table_t;
typedef nnet::array<ap_fixed<16,6>, 2*1> layer27_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;

#endif
