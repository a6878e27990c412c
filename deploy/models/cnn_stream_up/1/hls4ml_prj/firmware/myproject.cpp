#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<result_t> &layer8_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,layer8_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 54>(w4, "w4.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b4, "b4.txt");
        nnet::load_weights_from_txt<fc_weight_t, 9>(w7, "w7.txt");
        nnet::load_weights_from_txt<fc_bias_t, 3>(b7, "b7.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::cropping2d_cl<input_t, layer2_t, config2>(input_1, layer2_out); // crop

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::resize_nearest<layer2_t, config3>(layer2_out, layer3_out); // up

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::conv_2d_cl<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // conv1

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::softmax<layer4_t, layer5_t, softmax_config5>(layer4_out, layer5_out); // pixel_softmax

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::global_pooling2d_cl<layer5_t, layer6_t, config6>(layer5_out, layer6_out); // gmp

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::dense<layer6_t, layer7_t, config7>(layer6_out, layer7_out, w7, b7); // fc

    nnet::softmax<layer7_t, result_t, softmax_config8>(layer7_out, layer8_out); // fc_softmax

}
