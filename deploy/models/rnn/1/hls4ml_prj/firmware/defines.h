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
typedef ap_fixed<16,5,AP_RND,AP_SAT> input_t;
typedef ap_fixed<16,5,AP_RND,AP_SAT> layer2_t;
typedef ap_fixed<10,2> lstm_weight_t;
typedef ap_fixed<9,1> lstm_recurrent_weight_t;
typedef ap_fixed<10,3> lstm_bias_t;
typedef ap_fixed<8,2> lstm_recurrent_bias_t;
typedef ap_fixed<16,5,AP_RND,AP_SAT> lstm_accum_t;
typedef ap_fixed<18,8> lstm_table_t;
typedef ap_fixed<14,4> layer3_t;
typedef ap_fixed<10,3> gru_weight_t;
typedef ap_fixed<10,3> gru_recurrent_weight_t;
typedef ap_fixed<10,3> gru_bias_t;
typedef ap_fixed<10,3> gru_recurrent_bias_t;
typedef ap_fixed<16,5,AP_TRN,AP_SAT> gru_accum_t;
typedef ap_fixed<18,8> gru_table_t;
typedef ap_fixed<16,6> layer4_t;
typedef ap_fixed<8,2> fc_weight_t;
typedef ap_fixed<8,2> fc_bias_t;
typedef ap_fixed<20,8> fc_accum_t;

#endif
