#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<input2_t> &input_2,
    hls::stream<input3_t> &input_3,
    hls::stream<layer11_t> &layer11_out,
    hls::stream<layer26_t> &layer26_out,
    hls::stream<layer27_t> &layer27_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,input_2,input_3,layer11_out,layer26_out,layer27_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<conv1_weight_t, 18>(w2, "w2.txt");
        nnet::load_weights_from_txt<conv1_bias_t, 3>(b2, "b2.txt");
        nnet::load_weights_from_txt<dw1_weight_t, 9>(w5, "w5.txt");
        nnet::load_weights_from_txt<dw1_bias_t, 3>(b5, "b5.txt");
        nnet::load_weights_from_txt<sep1_depthwise_weight_t, 6>(d7, "d7.txt");
        nnet::load_weights_from_txt<sep1_pointwise_weight_t, 12>(p7, "p7.txt");
        nnet::load_weights_from_txt<sep1_depthwise_bias_t, 3>(z7, "z7.txt");
        nnet::load_weights_from_txt<sep1_pointwise_bias_t, 4>(b7, "b7.txt");
        nnet::load_weights_from_txt<seq_fc_weight_t, 32>(w10, "w10.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 4>(b10, "b10.txt");
        nnet::load_weights_from_txt<seq_fc2_weight_t, 24>(w13, "w13.txt");
        nnet::load_weights_from_txt<seq_fc2_bias_t, 3>(b13, "b13.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w14, "w14.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b14, "b14.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 8>(d16, "d16.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p16, "p16.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z16, "z16.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b16, "b16.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 36>(w17, "w17.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 3>(b17, "b17.txt");
        nnet::load_weights_from_txt<embed_embeddings_t, 24>(e19, "e19.txt");
        nnet::load_weights_from_txt<tok_fc_weight_t, 36>(w20, "w20.txt");
        nnet::load_weights_from_txt<tok_fc_bias_t, 3>(b20, "b20.txt");
        nnet::load_weights_from_txt<tok_prelu_param_t, 3>(a21, "a21.txt");
        nnet::load_weights_from_txt<head_weight_t, 12>(w27, "w27.txt");
        nnet::load_weights_from_txt<head_bias_t, 2>(b27, "b27.txt");
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
    nnet::leaky_relu<layer2_t, conv1_leaky_param_t, layer3_t, leaky_relu_config3>(layer2_out, 0.25, layer3_out); // conv1_leaky

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::elu<layer3_t, conv1_elu_param_t, layer4_t, elu_config4>(layer3_out, 0.5, layer4_out); // conv1_elu

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::depthwise_conv_1d_cl<layer4_t, layer5_t, config5>(layer4_out, layer5_out, w5, b5); // dw1

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::selu<layer5_t, layer6_t, selu_config6>(layer5_out, layer6_out); // dw1_selu

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::separable_conv_1d_cl<layer6_t, layer7_dw_t, layer7_t, config7>(layer6_out, layer7_out, d7, p7, z7, b7); // sep1

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::softplus<layer7_t, layer8_t, softplus_config8>(layer7_out, layer8_out); // sep1_softplus

    hls::stream<layer9_t> layer9_out("layer9_out");
    nnet::pooling1d_cl<layer8_t, layer9_t, config9>(layer8_out, layer9_out); // pool1

    hls::stream<layer9_t> layer9_out_cpy2("layer9_out_cpy2");
    

    hls::stream<layer9_t> layer9_out_cpy1("layer9_out_cpy1");
    nnet::clone_stream<layer9_t, layer9_t, 8>(layer9_out, layer9_out_cpy1, layer9_out_cpy2); // clone

    hls::stream<layer10_t> layer10_out("layer10_out");
    nnet::dense<layer9_t, layer10_t, config10>(layer9_out_cpy1, layer10_out, w10, b10); // seq_fc

    nnet::ternary_tanh<layer10_t, layer11_t, ternary_tanh_config11>(layer10_out, layer11_out); // seq_ternary

    hls::stream<layer12_t> layer12_out("layer12_out");
    nnet::transpose<layer9_t, layer12_t, config12>(layer9_out_cpy2, layer12_out); // to_channels_first

    hls::stream<layer13_t> layer13_out("layer13_out");
    nnet::dense<layer12_t, layer13_t, config13>(layer12_out, layer13_out, w13, b13); // seq_fc2

    hls::stream<layer14_t> layer14_out("layer14_out");
    nnet::depthwise_conv_2d_cl<input2_t, layer14_t, config14>(input_2, layer14_out, w14, b14); // dw2

    hls::stream<layer15_t> layer15_out("layer15_out");
    nnet::softsign<layer14_t, layer15_t, softsign_config15>(layer14_out, layer15_out); // dw2_softsign

    hls::stream<layer16_t> layer16_out("layer16_out");
    nnet::separable_conv_2d_cl<layer15_t, layer16_dw_t, layer16_t, config16>(layer15_out, layer16_out, d16, p16, z16, b16); // sep2

    hls::stream<layer17_t> layer17_out("layer17_out");
    nnet::dense<layer16_t, layer17_t, config17>(layer16_out, layer17_out, w17, b17); // img_fc

    hls::stream<layer18_t> layer18_out("layer18_out");
    nnet::hard_sigmoid<layer17_t, layer18_t, hard_sigmoid_config18>(layer17_out, layer18_out); // img_hard_sigmoid

    hls::stream<layer19_t> layer19_out("layer19_out");
    nnet::embedding<input3_t, layer19_t, config19>(input_3, layer19_out, e19); // embed

    hls::stream<layer20_t> layer20_out("layer20_out");
    nnet::dense<layer19_t, layer20_t, config20>(layer19_out, layer20_out, w20, b20); // tok_fc

    hls::stream<layer21_t> layer21_out("layer21_out");
    nnet::prelu<layer20_t, tok_prelu_param_t, layer21_t, prelu_config21>(layer20_out, a21, layer21_out); // tok_prelu

    hls::stream<layer22_t> layer22_out("layer22_out");
    nnet::relu<layer21_t, layer22_t, relu_config22>(layer21_out, layer22_out); // tok_relu

    hls::stream<layer23_t> layer23_out("layer23_out");
    nnet::thresholded_relu<layer22_t, tok_thresholded_param_t, layer23_t, thresholded_relu_config23>(layer22_out, 0.5, layer23_out); // tok_thresholded

    hls::stream<layer24_t> layer24_out("layer24_out");
    nnet::add<layer13_t, layer18_t, layer24_t, config24>(layer13_out, layer18_out, layer24_out); // add

    hls::stream<layer25_t> layer25_out("layer25_out");
    nnet::concatenate1d<layer24_t, layer23_t, layer25_t, config25>(layer24_out, layer23_out, layer25_out); // concat

    hls::stream<layer25_t> layer25_out_cpy2("layer25_out_cpy2");
    

    hls::stream<layer25_t> layer25_out_cpy1("layer25_out_cpy1");
    nnet::clone_stream<layer25_t, layer25_t, 6>(layer25_out, layer25_out_cpy1, layer25_out_cpy2); // clone_concat

    nnet::binary_tanh<layer25_t, layer26_t, binary_tanh_config26>(layer25_out_cpy1, layer26_out); // concat_binary

    nnet::dense<layer25_t, layer27_t, config27>(layer25_out_cpy2, layer27_out, w27, b27); // head

}
