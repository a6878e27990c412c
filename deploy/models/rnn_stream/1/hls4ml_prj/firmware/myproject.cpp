#include <iostream>

#include "myproject.h"
#include "parameters.h"

void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<layer4_t> &layer4_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=input_1,layer4_out
    #pragma HLS DATAFLOW

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        // hls-fpga-machine-learning insert load weights
        nnet::load_weights_from_txt<gru_weight_t, 36>(w2, "w2.txt");
        nnet::load_weights_from_txt<gru_recurrent_weight_t, 48>(wr2, "wr2.txt");
        nnet::load_weights_from_txt<gru_bias_t, 12>(b2, "b2.txt");
        nnet::load_weights_from_txt<gru_recurrent_bias_t, 12>(br2, "br2.txt");
        nnet::load_weights_from_txt<lstm_weight_t, 48>(w3, "w3.txt");
        nnet::load_weights_from_txt<lstm_recurrent_weight_t, 36>(wr3, "wr3.txt");
        nnet::load_weights_from_txt<lstm_bias_t, 12>(b3, "b3.txt");
        nnet::load_weights_from_txt<lstm_recurrent_bias_t, 12>(br3, "br3.txt");
        nnet::load_weights_from_txt<fc_weight_t, 6>(w4, "w4.txt");
        nnet::load_weights_from_txt<fc_bias_t, 2>(b4, "b4.txt");
        loaded_weights = true;
    }
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer2_t> layer2_out("layer2_out");
    nnet::gru_stack<input_t, layer2_t, config2>(input_1, layer2_out, w2, wr2, b2, br2); // gru

    hls::stream<layer3_t> layer3_out("layer3_out");
    nnet::lstm_stack<layer2_t, layer3_t, config3>(layer2_out, layer3_out, w3, wr3, b3, br3); // lstm

    nnet::dense<layer3_t, layer4_t, config4>(layer3_out, layer4_out, w4, b4); // fc

}
