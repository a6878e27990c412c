#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[24],
    result_t layer7_out[3]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,layer7_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<ln1_scale_t, 6>(s2, "s2.txt");
        nnet::load_weights_from_txt<ln1_bias_t, 6>(b2, "b2.txt");
        nnet::load_weights_from_txt<fc1_weight_t, 192>(w4, "w4.txt");
        nnet::load_weights_from_txt<fc1_bias_t, 8>(b4, "b4.txt");
        nnet::load_weights_from_txt<ln2_scale_t, 8>(s6, "s6.txt");
        nnet::load_weights_from_txt<ln2_bias_t, 8>(b6, "b6.txt");
        nnet::load_weights_from_txt<head_weight_t, 24>(w7, "w7.txt");
        nnet::load_weights_from_txt<head_bias_t, 3>(b7, "b7.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer2_t layer2_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0
    nnet::layernormalize<input_t, layer2_t, config2>(input_1, layer2_out, s2, b2); // ln1

    layer3_t layer3_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer3_out complete dim=0
    nnet::softmax_multidim<layer2_t, layer3_t, softmax_config3>(layer2_out, layer3_out); // attn

    layer4_t layer4_out[8];
    #pragma HLS ARRAY_PARTITION variable=layer4_out complete dim=0
    nnet::dense<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // fc1

    layer5_t layer5_out[8];
    #pragma HLS ARRAY_PARTITION variable=layer5_out complete dim=0
    nnet::relu<layer4_t, layer5_t, relu_config5>(layer4_out, layer5_out); // fc1_relu

    layer6_t layer6_out[8];
    #pragma HLS ARRAY_PARTITION variable=layer6_out complete dim=0
    nnet::layernormalize<layer5_t, layer6_t, config6>(layer5_out, layer6_out, s6, b6); // ln2

    nnet::dense<layer6_t, result_t, config7>(layer6_out, layer7_out, w7, b7); // head

}
