#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    input_t input_1[18],
    layer4_t layer4_out[2]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE ap_vld port=input_1,layer4_out
    #pragma HLS PIPELINE

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<bidir1_f_weight_t, 36>(w_f_2, "w_f_2.txt");
        nnet::load_weights_from_txt<bidir1_f_recurrent_weight_t, 36>(wr_f_2, "wr_f_2.txt");
        nnet::load_weights_from_txt<bidir1_f_bias_t, 12>(b_f_2, "b_f_2.txt");
        nnet::load_weights_from_txt<bidir1_f_recurrent_bias_t, 12>(br_f_2, "br_f_2.txt");
        nnet::load_weights_from_txt<bidir1_b_weight_t, 18>(w_b_2, "w_b_2.txt");
        nnet::load_weights_from_txt<bidir1_b_recurrent_weight_t, 12>(wr_b_2, "wr_b_2.txt");
        nnet::load_weights_from_txt<bidir1_b_bias_t, 6>(b_b_2, "b_b_2.txt");
        nnet::load_weights_from_txt<bidir1_b_recurrent_bias_t, 6>(br_b_2, "br_b_2.txt");
        nnet::load_weights_from_txt<bidir2_f_weight_t, 30>(w_f_3, "w_f_3.txt");
        nnet::load_weights_from_txt<bidir2_f_recurrent_weight_t, 12>(wr_f_3, "wr_f_3.txt");
        nnet::load_weights_from_txt<bidir2_f_bias_t, 6>(b_f_3, "b_f_3.txt");
        nnet::load_weights_from_txt<bidir2_f_recurrent_bias_t, 6>(br_f_3, "br_f_3.txt");
        nnet::load_weights_from_txt<bidir2_b_weight_t, 45>(w_b_3, "w_b_3.txt");
        nnet::load_weights_from_txt<bidir2_b_recurrent_weight_t, 27>(wr_b_3, "wr_b_3.txt");
        nnet::load_weights_from_txt<bidir2_b_bias_t, 9>(b_b_3, "b_b_3.txt");
        nnet::load_weights_from_txt<bidir2_b_recurrent_bias_t, 9>(br_b_3, "br_b_3.txt");
        nnet::load_weights_from_txt<fc_weight_t, 10>(w4, "w4.txt");
        nnet::load_weights_from_txt<fc_bias_t, 2>(b4, "b4.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer2_t layer2_out[30];
    #pragma HLS ARRAY_PARTITION variable=layer2_out complete dim=0
    nnet::bidirectional_stack<input_t, layer2_t, config2>(input_1, layer2_out, w_f_2, wr_f_2, b_f_2, br_f_2, w_b_2, wr_b_2, b_b_2, br_b_2); // bidir1

    layer3_t layer3_out[5];
    #pragma HLS ARRAY_PARTITION variable=layer3_out complete dim=0
    nnet::bidirectional_stack<layer2_t, layer3_t, config3>(layer2_out, layer3_out, w_f_3, wr_f_3, b_f_3, br_f_3, w_b_3, wr_b_3, b_b_3, br_b_3); // bidir2

    nnet::dense<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // fc

}
