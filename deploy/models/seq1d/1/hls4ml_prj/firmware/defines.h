#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <cstddef>
#include <cstdio>

// hls-fpga-machine-learning insert numbers
#define N_INPUT_1_1 20

// hls-fpga-machine-learning insert layer-precision
typedef ap_fixed<10,4> input_t;
typedef ap_fixed<10,4> layer2_t;
typedef ap_fixed<14,5> layer3_t;
typedef ap_fixed<8,2> conv_s2_weight_t;
typedef ap_fixed<8,2> conv_s2_bias_t;
typedef ap_fixed<18,7> conv_s2_accum_t;
typedef ap_ufixed<12,4,AP_RND,AP_SAT> layer4_t;
typedef ap_fixed<18,8> conv_relu_table_t;
typedef ap_ufixed<12,4> layer5_t;
typedef ap_ufixed<12,4> layer6_t;
typedef ap_fixed<14,5> layer7_t;
typedef ap_fixed<8,2> conv2_weight_t;
typedef ap_fixed<8,2> conv2_bias_t;
typedef ap_fixed<18,7> conv2_accum_t;
typedef ap_fixed<14,5> layer8_t;
typedef ap_fixed<14,5> pool_accum_t;
typedef ap_fixed<16,6> result_t;
typedef ap_fixed<8,2> head_weight_t;
typedef ap_fixed<8,2> head_bias_t;
typedef ap_fixed<20,8> head_accum_t;

#endif
