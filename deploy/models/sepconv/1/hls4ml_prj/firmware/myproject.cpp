#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[16],
    input2_t input_2[32],
    input3_t input_3[4],
    layer26_t layer26_out[4],
    layer27_t layer27_out[5],
    layer28_t layer28_out[1]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,input_2,input_3,layer26_out,layer27_out,layer28_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 18>(w2, "w2.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b2, "b2.txt");
        nnet::load_weights_from_txt<dw1_weight_t, 9>(w4, "w4.txt");
        nnet::load_weights_from_txt<dw1_bias_t, 3>(b4, "b4.txt");
        nnet::load_weights_from_txt<sep1_depthwise_weight_t, 6>(d7, "d7.txt");
        nnet::load_weights_from_txt<sep1_pointwise_weight_t, 12>(p7, "p7.txt");
        nnet::load_weights_from_txt<sep1_depthwise_bias_t, 3>(z7, "z7.txt");
        nnet::load_weights_from_txt<sep1_pointwise_bias_t, 4>(b7, "b7.txt");
        nnet::load_weights_from_txt<seq_fc_weight_t, 60>(w10, "w10.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 5>(b10, "b10.txt");
        nnet::load_exponent_weights_from_txt<exponent_scale11_t, 5>(s11, "s11.txt");
        nnet::load_weights_from_txt<seq_fc_alpha_bias_t, 5>(b11, "b11.txt");
        nnet::load_weights_from_txt<gap_fc_weight_t, 15>(w12, "w12.txt");
        nnet::load_weights_from_txt<gap_fc_bias_t, 5>(b12, "b12.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w14, "w14.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b14, "b14.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 18>(d16, "d16.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p16, "p16.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z16, "z16.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b16, "b16.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 60>(w18, "w18.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 5>(b18, "b18.txt");
        nnet::load_weights_from_txt<embed_embeddings_t, 24>(e20, "e20.txt");
        nnet::load_weights_from_txt<tok_fc_weight_t, 60>(w21, "w21.txt");
        nnet::load_weights_from_txt<tok_fc_bias_t, 5>(b21, "b21.txt");
        nnet::load_weights_from_txt<tok_prelu_param_t, 5>(a22, "a22.txt");
        nnet::load_weights_from_txt<head_weight_t, 40>(w25, "w25.txt");
        nnet::load_weights_from_txt<head_bias_t, 4>(b25, "b25.txt");
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

    layer6_t layer6_out[3];
    #pragma HLS ARRAY_PARTITION variable=layer6_out complete dim=0
    nnet::global_pooling1d_cl<layer5_t, layer6_t, config6>(layer5_out, layer6_out); // gap1

    layer7_t layer7_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer7_out complete dim=0
    nnet::separable_conv_1d_cl<layer5_t, layer7_dw_t, layer7_t, config7>(layer5_out, layer7_out, d7, p7, z7, b7); // sep1

    layer8_t layer8_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer8_out complete dim=0
    nnet::softsign<layer7_t, layer8_t, softsign_config8>(layer7_out, layer8_out); // sep1_softsign

    layer9_t layer9_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0
    nnet::pooling1d_cl<layer8_t, layer9_t, config9>(layer8_out, layer9_out); // pool1

    layer10_t layer10_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer10_out complete dim=0
    nnet::dense<layer9_t, layer10_t, config10>(layer9_out, layer10_out, w10, b10); // seq_fc

    layer11_t layer11_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer11_out complete dim=0
    nnet::normalize<layer10_t, layer11_t, config11>(layer10_out, layer11_out, s11, b11); // seq_fc_alpha

    layer12_t layer12_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer12_out complete dim=0
    nnet::dense<layer6_t, layer12_t, config12>(layer6_out, layer12_out, w12, b12); // gap_fc

    layer13_t layer13_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer13_out complete dim=0
    nnet::add<layer11_t, layer12_t, layer13_t, config13>(layer11_out, layer12_out, layer13_out); // add_gap

    layer14_t layer14_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer14_out complete dim=0
    nnet::depthwise_conv_2d_cl<input2_t, layer14_t, config14>(input_2, layer14_out, w14, b14); // dw2

    layer15_t layer15_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer15_out complete dim=0
    nnet::selu<layer14_t, layer15_t, selu_config15>(layer14_out, layer15_out); // dw2_selu

    layer16_t layer16_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer16_out complete dim=0
    nnet::separable_conv_2d_cl<layer15_t, layer16_dw_t, layer16_t, config16>(layer15_out, layer16_out, d16, p16, z16, b16); // sep2

    layer17_t layer17_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer17_out complete dim=0
    nnet::transpose<layer16_t, layer17_t, config17>(layer16_out, layer17_out); // to_channels_first

    layer18_t layer18_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer18_out complete dim=0
    nnet::dense<layer17_t, layer18_t, config18>(layer17_out, layer18_out, w18, b18); // img_fc

    layer19_t layer19_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer19_out complete dim=0
    nnet::relu6<layer18_t, layer19_t, relu_config19>(layer18_out, layer19_out); // img_relu6

    layer20_t layer20_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer20_out complete dim=0
    nnet::embedding<input3_t, layer20_t, config20>(input_3, layer20_out, e20); // embed

    layer21_t layer21_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer21_out complete dim=0
    nnet::dense<layer20_t, layer21_t, config21>(layer20_out, layer21_out, w21, b21); // tok_fc

    layer22_t layer22_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer22_out complete dim=0
    nnet::prelu<layer21_t, tok_prelu_param_t, layer22_t, prelu_config22>(layer21_out, a22, layer22_out); // tok_prelu

    layer23_t layer23_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer23_out complete dim=0
    nnet::add<layer13_t, layer22_t, layer23_t, config23>(layer13_out, layer22_out, layer23_out); // add

    layer24_t layer24_out[10];
    #pragma HLS ARRAY_PARTITION variable=layer24_out complete dim=0
    nnet::concatenate1d<layer23_t, layer19_t, layer24_t, config24>(layer23_out, layer19_out, layer24_out); // concat

    layer25_t layer25_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer25_out complete dim=0
    nnet::dense<layer24_t, layer25_t, config25>(layer24_out, layer25_out, w25, b25); // head

    nnet::binary_tanh<layer25_t, layer26_t, binary_tanh_config26>(layer25_out, layer26_out); // head_binary

    nnet::ternary_tanh<layer23_t, layer27_t, ternary_tanh_config27>(layer23_out, layer27_out); // add_ternary

    nnet::dot1d<layer23_t, layer19_t, layer28_t, config28>(layer23_out, layer19_out, layer28_out); // dot

}
