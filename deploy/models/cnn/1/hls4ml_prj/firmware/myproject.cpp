#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[72],
    result_t layer12_out[5]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,layer12_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 72>(w2, "w2.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 4>(b2, "b2.txt");
        nnet::load_weights_from_txt<conv1_bn_scale_t, 4>(s3, "s3.txt");
        nnet::load_weights_from_txt<conv1_bn_bias_t, 4>(b3, "b3.txt");
        nnet::load_weights_from_txt<conv2_weight_t, 48>(w6, "w6.txt");
        nnet::load_weights_from_txt<conv2_bias_t, 3>(b6, "b6.txt");
        nnet::load_weights_from_txt<fc_weight_t, 135>(w11, "w11.txt");
        nnet::load_weights_from_txt<fc_bias_t, 5>(b11, "b11.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer2_t layer2_out[144];
    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0
    nnet::conv_2d_cl<input_t, layer2_t, config2>(input_1, layer2_out, w2, b2); // conv1

    layer3_t layer3_out[144];
    #pragma HLS ARRAY_PARTITION variable=layer3_out complete dim=0
    nnet::normalize<layer2_t, layer3_t, config3>(layer2_out, layer3_out, s3, b3); // conv1_bn

    layer4_t layer4_out[144];
    #pragma HLS ARRAY_PARTITION variable=layer4_out complete dim=0
    nnet::relu<layer3_t, layer4_t, relu_config4>(layer3_out, layer4_out); // conv1_relu

    layer5_t layer5_out[36];
    #pragma HLS ARRAY_PARTITION variable=layer5_out complete dim=0
    nnet::pooling2d_cl<layer4_t, layer5_t, config5>(layer4_out, layer5_out); // pool1

    layer6_t layer6_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer6_out complete dim=0
    nnet::conv_2d_cl<layer5_t, layer6_t, config6>(layer5_out, layer6_out, w6, b6); // conv2

    layer7_t layer7_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer7_out complete dim=0
    nnet::leaky_relu<layer6_t, conv2_leaky_param_t, layer7_t, leaky_relu_config7>(layer6_out, 0.125, layer7_out); // conv2_leaky

    layer8_t layer8_out[3];
    #pragma HLS ARRAY_PARTITION variable=layer8_out complete dim=0
    nnet::pooling2d_cl<layer7_t, layer8_t, config8>(layer7_out, layer8_out); // pool2

    layer9_t layer9_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0
    nnet::resize_nearest<layer8_t, config9>(layer8_out, layer9_out); // up

    layer10_t layer10_out[27];
    #pragma HLS ARRAY_PARTITION variable=layer10_out complete dim=0
    nnet::zeropad2d_cl<layer9_t, layer10_t, config10>(layer9_out, layer10_out); // pad

    layer11_t layer11_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer11_out complete dim=0
    nnet::dense<layer10_t, layer11_t, config11>(layer10_out, layer11_out, w11, b11); // fc

    nnet::softmax<layer11_t, result_t, softmax_config12>(layer11_out, layer12_out); // fc_softmax

}
