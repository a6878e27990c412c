#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[16],
    input2_t input_2[32],
    input3_t input_3[4],
    layer29_t layer29_out[4],
    layer30_t layer30_out[5],
    layer31_t layer31_out[1]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,input_2,input_3,layer29_out,layer30_out,layer31_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 18>(w2, "w2.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b2, "b2.txt");
        nnet::load_weights_from_txt<dw1_weight_t, 9>(w4, "w4.txt");
        nnet::load_weights_from_txt<dw1_bias_t, 3>(b4, "b4.txt");
        nnet::load_weights_from_txt<pw1_weight_t, 9>(w7, "w7.txt");
        nnet::load_weights_from_txt<pw1_bias_t, 3>(b7, "b7.txt");
        nnet::load_weights_from_txt<sep1_depthwise_weight_t, 6>(d9, "d9.txt");
        nnet::load_weights_from_txt<sep1_pointwise_weight_t, 12>(p9, "p9.txt");
        nnet::load_weights_from_txt<sep1_depthwise_bias_t, 3>(z9, "z9.txt");
        nnet::load_weights_from_txt<sep1_pointwise_bias_t, 4>(b9, "b9.txt");
        nnet::load_weights_from_txt<seq_fc_weight_t, 60>(w12, "w12.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 5>(b12, "b12.txt");
        nnet::load_exponent_weights_from_txt<exponent_scale13_t, 5>(s13, "s13.txt");
        nnet::load_weights_from_txt<seq_fc_alpha_bias_t, 5>(b13, "b13.txt");
        nnet::load_weights_from_txt<gap_fc_weight_t, 15>(w14, "w14.txt");
        nnet::load_weights_from_txt<gap_fc_bias_t, 5>(b14, "b14.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w16, "w16.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b16, "b16.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 18>(d18, "d18.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p18, "p18.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z18, "z18.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b18, "b18.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 60>(w20, "w20.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 5>(b20, "b20.txt");
        nnet::load_weights_from_txt<embed_embeddings_t, 24>(e22, "e22.txt");
        nnet::load_weights_from_txt<tok_fc_weight_t, 60>(w23, "w23.txt");
        nnet::load_weights_from_txt<tok_fc_bias_t, 5>(b23, "b23.txt");
        nnet::load_weights_from_txt<tok_prelu_param_t, 5>(a24, "a24.txt");
        nnet::load_weights_from_txt<head_weight_t, 40>(w28, "w28.txt");
        nnet::load_weights_from_txt<head_bias_t, 4>(b28, "b28.txt");
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

    layer7_t layer7_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer7_out complete dim=0
    nnet::pointwise_conv_1d_cl<layer5_t, layer7_t, config7>(layer5_out, layer7_out, w7, b7); // pw1

    layer8_t layer8_out[24];
    #pragma HLS ARRAY_PARTITION variable=layer8_out complete dim=0
    nnet::elu<layer7_t, layer8_t, elu_config8>(layer7_out, layer8_out); // pw1_elu

    layer9_t layer9_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer9_out complete dim=0
    nnet::separable_conv_1d_cl<layer8_t, layer9_dw_t, layer9_t, config9>(layer8_out, layer9_out, d9, p9, z9, b9); // sep1

    layer10_t layer10_out[28];
    #pragma HLS ARRAY_PARTITION variable=layer10_out complete dim=0
    nnet::softsign<layer9_t, layer10_t, softsign_config10>(layer9_out, layer10_out); // sep1_softsign

    layer11_t layer11_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer11_out complete dim=0
    nnet::pooling1d_cl<layer10_t, layer11_t, config11>(layer10_out, layer11_out); // pool1

    layer12_t layer12_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer12_out complete dim=0
    nnet::dense<layer11_t, layer12_t, config12>(layer11_out, layer12_out, w12, b12); // seq_fc

    layer13_t layer13_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer13_out complete dim=0
    nnet::normalize<layer12_t, layer13_t, config13>(layer12_out, layer13_out, s13, b13); // seq_fc_alpha

    layer14_t layer14_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer14_out complete dim=0
    nnet::dense<layer6_t, layer14_t, config14>(layer6_out, layer14_out, w14, b14); // gap_fc

    layer15_t layer15_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer15_out complete dim=0
    nnet::add<layer13_t, layer14_t, layer15_t, config15>(layer13_out, layer14_out, layer15_out); // add_gap

    layer16_t layer16_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer16_out complete dim=0
    nnet::depthwise_conv_2d_cl<input2_t, layer16_t, config16>(input_2, layer16_out, w16, b16); // dw2

    layer17_t layer17_out[32];
    #pragma HLS ARRAY_PARTITION variable=layer17_out complete dim=0
    nnet::selu<layer16_t, layer17_t, selu_config17>(layer16_out, layer17_out); // dw2_selu

    layer18_t layer18_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer18_out complete dim=0
    nnet::separable_conv_2d_cl<layer17_t, layer18_dw_t, layer18_t, config18>(layer17_out, layer18_out, d18, p18, z18, b18); // sep2

    layer19_t layer19_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer19_out complete dim=0
    nnet::transpose<layer18_t, layer19_t, config19>(layer18_out, layer19_out); // to_channels_first

    layer20_t layer20_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer20_out complete dim=0
    nnet::dense<layer19_t, layer20_t, config20>(layer19_out, layer20_out, w20, b20); // img_fc

    layer21_t layer21_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer21_out complete dim=0
    nnet::relu6<layer20_t, layer21_t, relu_config21>(layer20_out, layer21_out); // img_relu6

    layer22_t layer22_out[12];
    #pragma HLS ARRAY_PARTITION variable=layer22_out complete dim=0
    nnet::embedding<input3_t, layer22_t, config22>(input_3, layer22_out, e22); // embed

    layer23_t layer23_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer23_out complete dim=0
    nnet::dense<layer22_t, layer23_t, config23>(layer22_out, layer23_out, w23, b23); // tok_fc

    layer24_t layer24_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer24_out complete dim=0
    nnet::prelu<layer23_t, tok_prelu_param_t, layer24_t, prelu_config24>(layer23_out, a24, layer24_out); // tok_prelu

    layer25_t layer25_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer25_out complete dim=0
    nnet::relu1<layer24_t, layer25_t, relu_config25>(layer24_out, layer25_out); // tok_relu1

    layer26_t layer26_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer26_out complete dim=0
    nnet::add<layer15_t, layer25_t, layer26_t, config26>(layer15_out, layer25_out, layer26_out); // add

    layer27_t layer27_out[10];
    #pragma HLS ARRAY_PARTITION variable=layer27_out complete dim=0
    nnet::concatenate1d<layer26_t, layer21_t, layer27_t, config27>(layer26_out, layer21_out, layer27_out); // concat

    layer28_t layer28_out[4];
    #pragma HLS ARRAY_PARTITION variable=layer28_out complete dim=0
    nnet::dense<layer27_t, layer28_t, config28>(layer27_out, layer28_out, w28, b28); // head

    nnet::binary_tanh<layer28_t, layer29_t, binary_tanh_config29>(layer28_out, layer29_out); // head_binary

    nnet::ternary_tanh<layer26_t, layer30_t, ternary_tanh_config30>(layer26_out, layer30_out); // add_ternary

    nnet::dot1d<layer26_t, layer21_t, layer31_t, config31>(layer26_out, layer21_out, layer31_out); // dot

}
