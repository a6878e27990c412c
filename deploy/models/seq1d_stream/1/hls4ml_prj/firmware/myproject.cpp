#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<result_t> &layer9_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,layer9_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv_s2_weight_t, 18>(w3, "w3.txt");
        nnet::load_weights_from_txt<conv_s2_bias_t, 3>(b3, "b3.txt");
        nnet::load_weights_from_txt<conv2_weight_t, 12>(w7, "w7.txt");
        nnet::load_weights_from_txt<conv2_bias_t, 2>(b7, "b7.txt");
        nnet::load_weights_from_txt<head_weight_t, 24>(w9, "w9.txt");
        nnet::load_weights_from_txt<head_bias_t, 3>(b9, "b9.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::zeropad1d_cl<input_t, layer2_t, config2>(input_1, layer2_out); // pad

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::conv_1d_cl<layer2_t, layer3_t, config3>(layer2_out, layer3_out, w3, b3); // conv_s2

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::relu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out); // conv_relu

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::cropping1d_cl<layer4_t, layer5_t, config5>(layer4_out, layer5_out); // crop

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::resize_nearest<layer5_t, config6>(layer5_out, layer6_out); // up

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::conv_1d_cl<layer6_t, layer7_t, config7>(layer6_out, layer7_out, w7, b7); // conv2

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::pooling1d_cl<layer7_t, layer8_t, config8>(layer7_out, layer8_out); // pool

    nnet::dense<layer8_t, result_t, config9>(layer8_out, layer9_out, w9, b9); // head

}
