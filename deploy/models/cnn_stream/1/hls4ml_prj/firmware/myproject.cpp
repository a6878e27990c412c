#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<result_t> &layer10_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,layer10_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 27>(w3, "w3.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b3, "b3.txt");
        nnet::load_weights_from_txt<conv2_weight_t, 6>(w6, "w6.txt");
        nnet::load_weights_from_txt<conv2_bias_t, 2>(b6, "b6.txt");
        nnet::load_weights_from_txt<fc_weight_t, 8>(w9, "w9.txt");
        nnet::load_weights_from_txt<fc_bias_t, 4>(b9, "b9.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::zeropad2d_cl<input_t, layer2_t, config2>(input_1, layer2_out); // zp2d_conv1

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::conv_2d_cl<layer2_t, layer3_t, config3>(layer2_out, layer3_out, w3, b3); // conv1

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::relu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out); // conv1_relu

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::pooling2d_cl<layer4_t, layer5_t, config5>(layer4_out, layer5_out); // pool1

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::conv_2d_cl<layer5_t, layer6_t, config6>(layer5_out, layer6_out, w6, b6); // conv2

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::relu<layer6_t, layer7_t, relu_config7>(layer6_out, layer7_out); // conv2_relu

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::global_pooling2d_cl<layer7_t, layer8_t, config8>(layer7_out, layer8_out); // gap

    hls::stream<layer9_t> layer9_out("layer9_out");
    nnet::dense<layer8_t, layer9_t, config9>(layer8_out, layer9_out, w9, b9); // fc

    nnet::softmax<layer9_t, result_t, softmax_config10>(layer9_out, layer10_out); // fc_softmax

}
