#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<input2_t> &input_2,
    hls::stream<layer9_t> &layer9_out,
    hls::stream<layer16_t> &layer16_out,
    hls::stream<layer17_t> &layer17_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,input_2,layer9_out,layer16_out,layer17_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 18>(w2, "w2.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b2, "b2.txt");
        nnet::load_weights_from_txt<dw1_weight_t, 9>(w4, "w4.txt");
        nnet::load_weights_from_txt<dw1_bias_t, 3>(b4, "b4.txt");
        nnet::load_weights_from_txt<sep1_depthwise_weight_t, 6>(d6, "d6.txt");
        nnet::load_weights_from_txt<sep1_pointwise_weight_t, 12>(p6, "p6.txt");
        nnet::load_weights_from_txt<sep1_depthwise_bias_t, 3>(z6, "z6.txt");
        nnet::load_weights_from_txt<sep1_pointwise_bias_t, 4>(b6, "b6.txt");
        nnet::load_weights_from_txt<seq_fc_weight_t, 80>(w8, "w8.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 4>(b8, "b8.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w10, "w10.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b10, "b10.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 8>(d12, "d12.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p12, "p12.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z12, "z12.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b12, "b12.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 36>(w13, "w13.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 3>(b13, "b13.txt");
        nnet::load_weights_from_txt<seq_fc2_weight_t, 60>(w14, "w14.txt");
        nnet::load_weights_from_txt<seq_fc2_bias_t, 3>(b14, "b14.txt");
        nnet::load_weights_from_txt<head_weight_t, 6>(w17, "w17.txt");
        nnet::load_weights_from_txt<head_bias_t, 2>(b17, "b17.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::conv_1d_cl<input_t, layer2_t, config2>(input_1, layer2_out, w2, b2); // conv1

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::elu<layer2_t, layer3_t, elu_config3>(layer2_out, layer3_out); // conv1_elu

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::depthwise_conv_1d_cl<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // dw1

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::selu<layer4_t, layer5_t, selu_config5>(layer4_out, layer5_out); // dw1_selu

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::separable_conv_1d_cl<layer5_t, layer6_dw_t, layer6_t, config6>(layer5_out, layer6_out, d6, p6, z6, b6); // sep1

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::softplus<layer6_t, layer7_t, softplus_config7>(layer6_out, layer7_out); // sep1_softplus

    hls::stream<layer7_t> layer7_out_cpy2("layer7_out_cpy2");
    

    hls::stream<layer7_t> layer7_out_cpy1("layer7_out_cpy1");
    nnet::clone_stream<layer7_t, layer7_t, 20>(layer7_out, layer7_out_cpy1, layer7_out_cpy2); // clone

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::dense<layer7_t, layer8_t, config8>(layer7_out_cpy1, layer8_out, w8, b8); // seq_fc

    nnet::ternary_tanh<layer8_t, layer9_t, ternary_tanh_config9>(layer8_out, layer9_out); // seq_ternary

    hls::stream<layer10_t> layer10_out("layer10_out");
    nnet::depthwise_conv_2d_cl<input2_t, layer10_t, config10>(input_2, layer10_out, w10, b10); // dw2

    hls::stream<layer11_t> layer11_out("layer11_out");
    nnet::softsign<layer10_t, layer11_t, softsign_config11>(layer10_out, layer11_out); // dw2_softsign

    hls::stream<layer12_t> layer12_out("layer12_out");
    nnet::separable_conv_2d_cl<layer11_t, layer12_dw_t, layer12_t, config12>(layer11_out, layer12_out, d12, p12, z12, b12); // sep2

    hls::stream<layer13_t> layer13_out("layer13_out");
    nnet::dense<layer12_t, layer13_t, config13>(layer12_out, layer13_out, w13, b13); // img_fc

    hls::stream<layer14_t> layer14_out("layer14_out");
    nnet::dense<layer7_t, layer14_t, config14>(layer7_out_cpy2, layer14_out, w14, b14); // seq_fc2

    hls::stream<layer15_t> layer15_out("layer15_out");
    nnet::add<layer14_t, layer13_t, layer15_t, config15>(layer14_out, layer13_out, layer15_out); // add

    hls::stream<layer15_t> layer15_out_cpy2("layer15_out_cpy2");
    

    hls::stream<layer15_t> layer15_out_cpy1("layer15_out_cpy1");
    nnet::clone_stream<layer15_t, layer15_t, 3>(layer15_out, layer15_out_cpy1, layer15_out_cpy2); // clone_add

    nnet::binary_tanh<layer15_t, layer16_t, binary_tanh_config16>(layer15_out_cpy1, layer16_out); // add_binary

    nnet::dense<layer15_t, layer17_t, config17>(layer15_out_cpy2, layer17_out, w17, b17); // head

}
