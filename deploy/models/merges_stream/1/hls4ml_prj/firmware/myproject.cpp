#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<input2_t> &input_2,
    hls::stream<result_t> &layer14_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,input_2,layer14_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<pw_ternary_weight_t, 48>(w10, "w10.txt");
        nnet::load_weights_from_txt<pw_ternary_bias_t, 4>(b10, "b10.txt");
        nnet::load_weights_from_txt<head_weight_t, 320>(w14, "w14.txt");
        nnet::load_weights_from_txt<head_bias_t, 5>(b14, "b14.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<input_t> input_1_cpy2("input_1_cpy2");
    

    hls::stream<input_t> input_1_cpy3("input_1_cpy3");
    

    hls::stream<input_t> input_1_cpy1("input_1_cpy1");
    nnet::clone_stream<input_t, input_t, 48>(input_1, input_1_cpy1, input_1_cpy2, input_1_cpy3); // clone_a

    hls::stream<input2_t> input_2_cpy2("input_2_cpy2");
    

    hls::stream<input2_t> input_2_cpy1("input_2_cpy1");
    nnet::clone_stream<input2_t, input2_t, 48>(input_2, input_2_cpy1, input_2_cpy2); // clone_b

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::subtract<input_t, input2_t, layer2_t, config2>(input_1_cpy1, input_2_cpy1, layer2_out); // sub

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::maximum<input_t, input2_t, layer3_t, config3>(input_1_cpy2, input_2_cpy2, layer3_out); // max

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::minimum<layer2_t, layer3_t, layer4_t, config4>(layer2_out, layer3_out, layer4_out); // min

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::average<input_t, layer4_t, layer5_t, config5>(input_1_cpy3, layer4_out, layer5_out); // avg

    hls::stream<layer5_t> layer5_out_cpy2("layer5_out_cpy2");
    

    hls::stream<layer5_t> layer5_out_cpy3("layer5_out_cpy3");
    

    hls::stream<layer5_t> layer5_out_cpy1("layer5_out_cpy1");
    nnet::clone_stream<layer5_t, layer5_t, 48>(layer5_out, layer5_out_cpy1, layer5_out_cpy2, layer5_out_cpy3); // clone_avg

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::multiply<layer5_t, layer5_t, layer6_t, config6>(layer5_out_cpy1, layer5_out_cpy2, layer6_out); // mul

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::hard_tanh<layer5_t, layer7_t, hard_tanh_config7>(layer5_out_cpy3, layer7_out); // avg_hard_tanh

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::concatenate3d<layer6_t, layer7_t, layer8_t, config8>(layer6_out, layer7_out, layer8_out); // concat3d

    hls::stream<layer9_t> layer9_out("layer9_out");
    nnet::repack_stream<layer8_t, layer9_t, 96>(layer8_out, layer9_out); // reshape

    hls::stream<layer10_t> layer10_out("layer10_out");
    nnet::pointwise_conv_1d_cl<layer9_t, layer10_t, config10>(layer9_out, layer10_out, w10, b10); // pw_ternary

    hls::stream<layer10_t> layer10_out_cpy2("layer10_out_cpy2");
    

    hls::stream<layer10_t> layer10_out_cpy1("layer10_out_cpy1");
    nnet::clone_stream<layer10_t, layer10_t, 32>(layer10_out, layer10_out_cpy1, layer10_out_cpy2); // clone_pw

    hls::stream<layer11_t> layer11_out("layer11_out");
    nnet::relu<layer10_t, layer11_t, relu_config11>(layer10_out_cpy2, layer11_out); // pw_relu

    hls::stream<layer12_t> layer12_out("layer12_out");
    nnet::concatenate2d<layer10_t, layer11_t, layer12_t, config12>(layer10_out_cpy1, layer11_out, layer12_out); // concat2d

    hls::stream<layer13_t> layer13_out("layer13_out");
    nnet::repack_stream<layer12_t, layer13_t, 64>(layer12_out, layer13_out); // flatten

    nnet::dense<layer13_t, result_t, config14>(layer13_out, layer14_out, w14, b14); // head

}
