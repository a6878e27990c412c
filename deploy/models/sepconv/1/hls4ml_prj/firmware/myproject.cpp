#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[16],
    input2_t input_2[32],
    input3_t input_3[4],
    layer21_t layer21_out[4],
    layer22_t layer22_out[5],
    layer23_t layer23_out[1]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,input_2,input_3,layer21_out,layer22_out,layer23_out
    #pragma HLS PIPELINE

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
        nnet::load_weights_from_txt<seq_fc_weight_t, 140>(w8, "w8.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 5>(b8, "b8.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w9, "w9.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b9, "b9.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 18>(d11, "d11.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p11, "p11.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z11, "z11.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b11, "b11.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 60>(w13, "w13.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 5>(b13, "b13.txt");
        nnet::load_weights_from_txt<embed_embeddings_t, 24>(e15, "e15.txt");
        nnet::load_weights_from_txt<tok_fc_weight_t, 60>(w16, "w16.txt");
        nnet::load_weights_from_txt<tok_fc_bias_t, 5>(b16, "b16.txt");
        nnet::load_weights_from_txt<tok_prelu_param_t, 5>(a17, "a17.txt");
        nnet::load_weights_from_txt<head_weight_t, 40>(w20, "w20.txt");
        nnet::load_weights_from_txt<head_bias_t, 4>(b20, "b20.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer2_t layer2_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0
    nnet::conv_1d_cl<input_t, layer2_t, config2>(input_1, layer2_out, w2, b2); // conv1

    layer3_t layer3_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer3_out complete dim=0
    nnet::elu<layer2_t, conv1_elu_param_t, layer3_t, elu_config3>(layer2_out, 0.75, layer3_out); // conv1_elu

    layer4_t layer4_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer4_out complete dim=0
    nnet::depthwise_conv_1d_cl<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // dw1

    layer5_t layer5_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer5_out complete dim=0
    nnet::softplus<layer4_t, layer5_t, softplus_config5>(layer4_out, layer5_out); // dw1_softplus

    layer6_t layer6_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer6_out complete dim=0
    nnet::separable_conv_1d_cl<layer5_t, layer6_dw_t, layer6_t, config6>(layer5_out, layer6_out, d6, p6, z6, b6); // sep1

    layer7_t layer7_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer7_out complete dim=0
    nnet::softsign<layer6_t, layer7_t, softsign_config7>(layer6_out, layer7_out); // sep1_softsign

    layer8_t layer8_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer8_out complete dim=0
    nnet::dense<layer7_t, layer8_t, config8>(layer7_out, layer8_out, w8, b8); // seq_fc

    layer9_t layer9_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0
    nnet::depthwise_conv_2d_cl<input2_t, layer9_t, config9>(input_2, layer9_out, w9, b9); // dw2

    layer10_t layer10_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer10_out complete dim=0
    nnet::selu<layer9_t, layer10_t, selu_config10>(layer9_out, layer10_out); // dw2_selu

    layer11_t layer11_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer11_out complete dim=0
    nnet::separable_conv_2d_cl<layer10_t, layer11_dw_t, layer11_t, config11>(layer10_out, layer11_out, d11, p11, z11, b11); // sep2

    layer12_t layer12_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer12_out complete dim=0
    nnet::transpose<layer11_t, layer12_t, config12>(layer11_out, layer12_out); // to_channels_first

    layer13_t layer13_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer13_out complete dim=0
    nnet::dense<layer12_t, layer13_t, config13>(layer12_out, layer13_out, w13, b13); // img_fc

    layer14_t layer14_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer14_out complete dim=0
    nnet::relu6<layer13_t, layer14_t, relu_config14>(layer13_out, layer14_out); // img_relu6

    layer15_t layer15_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer15_out complete dim=0
    nnet::embedding<input3_t, layer15_t, config15>(input_3, layer15_out, e15); // embed

    layer16_t layer16_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer16_out complete dim=0
    nnet::dense<layer15_t, layer16_t, config16>(layer15_out, layer16_out, w16, b16); // tok_fc

    layer17_t layer17_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer17_out complete dim=0
    nnet::prelu<layer16_t, tok_prelu_param_t, layer17_t, prelu_config17>(layer16_out, a17, layer17_out); // tok_prelu

    layer18_t layer18_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer18_out complete dim=0
    nnet::add<layer8_t, layer17_t, layer18_t, config18>(layer8_out, layer17_out, layer18_out); // add

    layer19_t layer19_out[10];
    #pragma HLS ARRAY_PARTITION variable=layer19_out complete dim=0
    nnet::concatenate1d<layer18_t, layer14_t, layer19_t, config19>(layer18_out, layer14_out, layer19_out); // concat

    layer20_t layer20_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer20_out complete dim=0
    nnet::dense<layer19_t, layer20_t, config20>(layer19_out, layer20_out, w20, b20); // head

    nnet::binary_tanh<layer20_t, layer21_t, binary_tanh_config21>(layer20_out, layer21_out); // head_binary

    nnet::ternary_tanh<layer18_t, layer22_t, ternary_tanh_config22>(layer18_out, layer22_out); // add_ternary

    nnet::dot1d<layer18_t, layer14_t, layer23_t, config23>(layer18_out, layer14_out, layer23_out); // dot

}
