#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <array>
#include <cstddef>
#include <cstdio>
#include <tuple>


// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 27
#define N_LAYER_2 35
#define N_LAYER_4 20
#define N_LAYER_6 25
#define N_LAYER_8 40
#define N_LAYER_10 20
#define N_LAYER_12 15
#define N_LAYER_14 1


// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<14,4> input_t;
typedef ap_fixed<14,4> model_default_t;
typedef ap_fixed<14,4> layer2_t;
typedef ap_fixed<14,4> fc1_weight_t;
typedef ap_fixed<14,4> fc1_bias_t;
typedef ap_uint<1> layer2_index;
typedef ap_fixed<14,4> layer3_t;
typedef ap_fixed<18,8> fc1_relu_table_t;
typedef ap_fixed<14,4> layer4_t;
typedef ap_fixed<14,4> fc2_weight_t;
typedef ap_fixed<14,4> fc2_bias_t;
typedef ap_uint<1> layer4_index;
typedef ap_fixed<14,4> layer5_t;
typedef ap_fixed<18,8> fc2_relu_table_t;
typedef ap_fixed<14,4> layer6_t;
typedef ap_fixed<14,4> fc3_weight_t;
typedef ap_fixed<14,4> fc3_bias_t;
typedef ap_uint<1> layer6_index;
typedef ap_fixed<14,4> layer7_t;
typedef ap_fixed<18,8> fc3_relu_table_t;
typedef ap_fixed<14,4> layer8_t;
typedef ap_fixed<14,4> fc4_weight_t;
typedef ap_fixed<14,4> fc4_bias_t;
typedef ap_uint<1> layer8_index;
typedef ap_fixed<14,4> layer9_t;
typedef ap_fixed<18,8> fc4_relu_table_t;
typedef ap_fixed<14,4> layer10_t;
typedef ap_fixed<14,4> fc5_weight_t;
typedef ap_fixed<14,4> fc5_bias_t;
typedef ap_uint<1> layer10_index;
typedef ap_fixed<14,4> layer11_t;
typedef ap_fixed<18,8> fc5_relu_table_t;
typedef ap_fixed<14,4> layer12_t;
typedef ap_fixed<14,4> fc6_weight_t;
typedef ap_fixed<14,4> fc6_bias_t;
typedef ap_uint<1> layer12_index;
typedef ap_fixed<14,4> layer13_t;
typedef ap_fixed<18,8> fc6_relu_table_t;
typedef ap_fixed<14,4> output_weight_t;
typedef ap_fixed<14,4> output_bias_t;
typedef ap_uint<1> layer14_index;
typedef ap_fixed<14,4> result_t;

#endif
