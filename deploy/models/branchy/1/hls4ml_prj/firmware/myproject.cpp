#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_a[6],
    input2_t input_b[6],
    result_t layer10_out[3],
    result2_t layer7_out[4]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_a,input_b,layer10_out,layer7_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<dense_a_weight_t, 24>(w2, "w2.txt");
        nnet::load_weights_from_txt<dense_a_bias_t, 4>(b2, "b2.txt");
        nnet::load_weights_from_txt<dense_b_weight_t, 24>(w4, "w4.txt");
        nnet::load_weights_from_txt<dense_b_bias_t, 4>(b4, "b4.txt");
        nnet::load_weights_from_txt<head_weight_t, 24>(w10, "w10.txt");
        nnet::load_weights_from_txt<head_bias_t, 3>(b10, "b10.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer2_t layer2_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0
    nnet::dense<input_t, layer2_t, config2>(input_a, layer2_out, w2, b2); // dense_a

    layer3_t layer3_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer3_out complete dim=0
    nnet::relu<layer2_t, layer3_t, relu_config3>(layer2_out, layer3_out); // dense_a_relu

    layer4_t layer4_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer4_out complete dim=0
    nnet::dense<input2_t, layer4_t, config4>(input_b, layer4_out, w4, b4); // dense_b

    layer5_t layer5_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer5_out complete dim=0
    nnet::add<layer3_t, layer4_t, layer5_t, config5>(layer3_out, layer4_out, layer5_out); // add

    layer6_t layer6_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer6_out complete dim=0
    nnet::hard_sigmoid<layer4_t, layer6_t, hard_sigmoid_config6>(layer4_out, layer6_out); // gate

    nnet::multiply<layer5_t, layer6_t, result2_t, config7>(layer5_out, layer6_out, layer7_out); // multiply

    layer8_t layer8_out[8];
    #pragma HLS ARRAY_PARTITION variable=layer8_out complete dim=0
    nnet::concatenate1d<layer5_t, layer3_t, layer8_t, config8>(layer5_out, layer3_out, layer8_out); // concat

    layer9_t layer9_out[8];
    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0
    nnet::thresholded_relu<layer8_t, concat_thr_param_t, layer9_t, thresholded_relu_config9>(layer8_out, 0.25, layer9_out); // concat_thr

    nnet::dense<layer9_t, result_t, config10>(layer9_out, layer10_out, w10, b10); // head

}
