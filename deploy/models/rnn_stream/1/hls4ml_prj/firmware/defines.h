#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 15

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_fixed<12,4>, 3*1> input_t;
typedef nnet::array<ap_fixed<14,5,AP_RND>, 4*1> layer2_t;
typedef ap_fixed<10,2> gru_weight_t;
typedef ap_fixed<10,2> gru_recurrent_weight_t;
typedef ap_fixed<10,2> gru_bias_t;
typedef ap_fixed<10,2> gru_recurrent_bias_t;
typedef ap_fixed<16,6> gru_accum_t;
typedef ap_fixed<18,8> gru_table_t;
typedef nnet::array<ap_fixed<14,5,AP_RND>, 3*1> layer3_t;
typedef ap_fixed<10,2> lstm_weight_t;
typedef ap_fixed<10,2> lstm_recurrent_weight_t;
typedef ap_fixed<10,2> lstm_bias_t;
typedef ap_fixed<10,2> lstm_recurrent_bias_t;
typedef ap_fixed<14,5,AP_RND> lstm_accum_t;
typedef ap_fixed<18,8> lstm_table_t;
typedef nnet::array<ap_fixed<16,6>, 2*1> layer4_t;
typedef ap_fixed<8,2> fc_weight_t;
typedef ap_fixed<8,2> fc_bias_t;
typedef ap_fixed<20,8> fc_accum_t;

#endif
