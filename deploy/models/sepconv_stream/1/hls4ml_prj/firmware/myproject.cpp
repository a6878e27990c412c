#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<input2_t> &input_2,
    hls::stream<input3_t> &input_3,
    hls::stream<layer10_t> &layer10_out,
    hls::stream<layer22_t> &layer22_out,
    hls::stream<layer23_t> &layer23_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,input_2,input_3,layer10_out,layer22_out,layer23_out
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
        nnet::load_weights_from_txt<seq_fc_weight_t, 32>(w9, "w9.txt");
        nnet::load_weights_from_txt<seq_fc_bias_t, 4>(b9, "b9.txt");
        nnet::load_weights_from_txt<seq_fc2_weight_t, 24>(w12, "w12.txt");
        nnet::load_weights_from_txt<seq_fc2_bias_t, 3>(b12, "b12.txt");
        nnet::load_weights_from_txt<dw2_weight_t, 18>(w13, "w13.txt");
        nnet::load_weights_from_txt<dw2_bias_t, 2>(b13, "b13.txt");
        nnet::load_weights_from_txt<sep2_depthwise_weight_t, 8>(d15, "d15.txt");
        nnet::load_weights_from_txt<sep2_pointwise_weight_t, 6>(p15, "p15.txt");
        nnet::load_weights_from_txt<sep2_depthwise_bias_t, 2>(z15, "z15.txt");
        nnet::load_weights_from_txt<sep2_pointwise_bias_t, 3>(b15, "b15.txt");
        nnet::load_weights_from_txt<img_fc_weight_t, 36>(w16, "w16.txt");
        nnet::load_weights_from_txt<img_fc_bias_t, 3>(b16, "b16.txt");
        nnet::load_weights_from_txt<embed_embeddings_t, 24>(e17, "e17.txt");
        nnet::load_weights_from_txt<tok_fc_weight_t, 36>(w18, "w18.txt");
        nnet::load_weights_from_txt<tok_fc_bias_t, 3>(b18, "b18.txt");
        nnet::load_weights_from_txt<tok_prelu_param_t, 3>(a19, "a19.txt");
        nnet::load_weights_from_txt<head_weight_t, 12>(w23, "w23.txt");
        nnet::load_weights_from_txt<head_bias_t, 2>(b23, "b23.txt");
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
    nnet::elu<layer2_t, conv1_elu_param_t, layer3_t, elu_config3>(layer2_out, 0.5, layer3_out); // conv1_elu

    hls::stream<layer4_t> layer4_out("layer4_out");
    nnet::depthwise_conv_1d_cl<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // dw1

    hls::stream<layer5_t> layer5_out("layer5_out");
    nnet::selu<layer4_t, layer5_t, selu_config5>(layer4_out, layer5_out); // dw1_selu

    hls::stream<layer6_t> layer6_out("layer6_out");
    nnet::separable_conv_1d_cl<layer5_t, layer6_dw_t, layer6_t, config6>(layer5_out, layer6_out, d6, p6, z6, b6); // sep1

    hls::stream<layer7_t> layer7_out("layer7_out");
    nnet::softplus<layer6_t, layer7_t, softplus_config7>(layer6_out, layer7_out); // sep1_softplus

    hls::stream<layer8_t> layer8_out("layer8_out");
    nnet::pooling1d_cl<layer7_t, layer8_t, config8>(layer7_out, layer8_out); // pool1

    hls::stream<layer8_t> layer8_out_cpy2("layer8_out_cpy2");
    

    hls::stream<layer8_t> layer8_out_cpy1("layer8_out_cpy1");
    nnet::clone_stream<layer8_t, layer8_t, 8>(layer8_out, layer8_out_cpy1, layer8_out_cpy2); // clone

    hls::stream<layer9_t> layer9_out("layer9_out");
    nnet::dense<layer8_t, layer9_t, config9>(layer8_out_cpy1, layer9_out, w9, b9); // seq_fc

    nnet::ternary_tanh<layer9_t, layer10_t, ternary_tanh_config10>(layer9_out, layer10_out); // seq_ternary

    hls::stream<layer11_t> layer11_out("layer11_out");
    nnet::transpose<layer8_t, layer11_t, config11>(layer8_out_cpy2, layer11_out); // to_channels_first

    hls::stream<layer12_t> layer12_out("layer12_out");
    nnet::dense<layer11_t, layer12_t, config12>(layer11_out, layer12_out, w12, b12); // seq_fc2

    hls::stream<layer13_t> layer13_out("layer13_out");
    nnet::depthwise_conv_2d_cl<input2_t, layer13_t, config13>(input_2, layer13_out, w13, b13); // dw2

    hls::stream<layer14_t> layer14_out("layer14_out");
    nnet::softsign<layer13_t, layer14_t, softsign_config14>(layer13_out, layer14_out); // dw2_softsign

    hls::stream<layer15_t> layer15_out("layer15_out");
    nnet::separable_conv_2d_cl<layer14_t, layer15_dw_t, layer15_t, config15>(layer14_out, layer15_out, d15, p15, z15, b15); // sep2

    hls::stream<layer16_t> layer16_out("layer16_out");
    nnet::dense<layer15_t, layer16_t, config16>(layer15_out, layer16_out, w16, b16); // img_fc

    hls::stream<layer17_t> layer17_out("layer17_out");
    nnet::embedding<input3_t, layer17_t, config17>(input_3, layer17_out, e17); // embed

    hls::stream<layer18_t> layer18_out("layer18_out");
    nnet::dense<layer17_t, layer18_t, config18>(layer17_out, layer18_out, w18, b18); // tok_fc

    hls::stream<layer19_t> layer19_out("layer19_out");
    nnet::prelu<layer18_t, tok_prelu_param_t, layer19_t, prelu_config19>(layer18_out, a19, layer19_out); // tok_prelu

    hls::stream<layer20_t> layer20_out("layer20_out");
    nnet::add<layer12_t, layer16_t, layer20_t, config20>(layer12_out, layer16_out, layer20_out); // add

    hls::stream<layer21_t> layer21_out("layer21_out");
    nnet::concatenate1d<layer20_t, layer19_t, layer21_t, config21>(layer20_out, layer19_out, layer21_out); // concat

    hls::stream<layer21_t> layer21_out_cpy2("layer21_out_cpy2");
    

    hls::stream<layer21_t> layer21_out_cpy1("layer21_out_cpy1");
    nnet::clone_stream<layer21_t, layer21_t, 6>(layer21_out, layer21_out_cpy1, layer21_out_cpy2); // clone_concat

    nnet::binary_tanh<layer21_t, layer22_t, binary_tanh_config22>(layer21_out_cpy1, layer22_out); // concat_binary

    nnet::dense<layer21_t, layer23_t, config23>(layer21_out_cpy2, layer23_out, w23, b23); // head

}
