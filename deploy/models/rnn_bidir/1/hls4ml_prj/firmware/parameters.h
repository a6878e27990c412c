#ifndef PARAMETERS_H_
#define PARAMETERS_H_

#include "ap_fixed.h"
#include "ap_int.h"

#include "nnet_utils/nnet_code_gen.h"
#include "nnet_utils/nnet_helpers.h"
// hls-fpga-machine-learning insert includes
#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_activation_stream.h"
#include "nnet_utils/nnet_batchnorm.h"
#include "nnet_utils/nnet_batchnorm_stream.h"
#include "nnet_utils/nnet_conv2d.h"
#include "nnet_utils/nnet_conv2d_stream.h"
#include "nnet_utils/nnet_dense.h"
#include "nnet_utils/nnet_dense_stream.h"
#include "nnet_utils/nnet_image.h"
#include "nnet_utils/nnet_merge.h"
#include "nnet_utils/nnet_padding.h"
#include "nnet_utils/nnet_padding_stream.h"
#include "nnet_utils/nnet_pooling.h"
#include "nnet_utils/nnet_pooling_stream.h"
#include "nnet_utils/nnet_recurrent.h"

// hls-fpga-machine-learning insert weights
#include "weights/w_f_2.h"
#include "weights/wr_f_2.h"
#include "weights/b_f_2.h"
#include "weights/br_f_2.h"
#include "weights/w_b_2.h"
#include "weights/wr_b_2.h"
#include "weights/b_b_2.h"
#include "weights/br_b_2.h"
#include "weights/w_f_3.h"
#include "weights/wr_f_3.h"
#include "weights/b_f_3.h"
#include "weights/br_f_3.h"
#include "weights/w_b_3.h"
#include "weights/wr_b_3.h"
#include "weights/b_b_3.h"
#include "weights/br_b_3.h"
#include "weights/w4.h"
#include "weights/b4.h"


// hls-fpga-machine-learning insert layer-config
struct config2_1_f : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 12;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 36;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<20,7> accum_t;
    typedef bidir1_f_bias_t bias_t;
    typedef bidir1_f_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config2_2_f : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 12;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 36;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<18,6,AP_RND> accum_t;
    typedef bidir1_f_recurrent_bias_t bias_t;
    typedef bidir1_f_recurrent_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct sigmoid_config2_f_recr : nnet::activ_config {
    static const unsigned n_in = 9;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef bidir1_f_table_t table_t;
};

struct tanh_config2_f : nnet::activ_config {
    static const unsigned n_in = 3;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef ap_fixed<18,8> table_t;
};

struct config2_forward : nnet::single_layer_config {
    typedef bidir1_f_accum_t accum_t;
    typedef bidir1_f_weight_t weight_t;  // Matrix
    typedef bidir1_f_recurrent_weight_t recurrent_weight_t;  // Matrix
    typedef bidir1_f_bias_t bias_t;  // Vector
    typedef bidir1_f_recurrent_bias_t recurrent_bias_t;  // Vector
    typedef config2_1_f mult_config1;
    typedef config2_2_f mult_config2;
    typedef sigmoid_config2_f_recr ACT_CONFIG_LSTM;
    template<class x_T, class y_T, class config_T>
    using activation_recr = nnet::activation::sigmoid<x_T, y_T, config_T>;
    typedef tanh_config2_f ACT_CONFIG_T;
    template<class x_T, class y_T, class config_T>
    using activation = nnet::activation::tanh<x_T, y_T, config_T>;
    static const unsigned n_in  = 3;
    static const unsigned n_state = 3;
    static const unsigned n_mult = 4;
    static const bool pytorch_order = false;
};

struct config2_1_b : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 6;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 18;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<16,5,AP_TRN,AP_SAT> accum_t;
    typedef bidir1_b_bias_t bias_t;
    typedef bidir1_b_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config2_2_b : nnet::dense_config {
    static const unsigned n_in = 2;
    static const unsigned n_out = 6;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 12;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<22,7> accum_t;
    typedef bidir1_b_recurrent_bias_t bias_t;
    typedef bidir1_b_recurrent_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct sigmoid_config2_b_recr : nnet::activ_config {
    static const unsigned n_in = 4;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef bidir1_b_table_t table_t;
};

struct relu_config2_b : nnet::activ_config {
    static const unsigned n_in = 2;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef ap_fixed<18,8> table_t;
};

struct config2_backward : nnet::single_layer_config {
    typedef bidir1_b_accum_t accum_t;
    typedef bidir1_b_weight_t weight_t;  // Matrix
    typedef bidir1_b_recurrent_weight_t recurrent_weight_t;  // Matrix
    typedef bidir1_b_bias_t bias_t;  // Vector
    typedef bidir1_b_recurrent_bias_t recurrent_bias_t;  // Vector
    typedef config2_1_b mult_config1;
    typedef config2_2_b mult_config2;
    typedef sigmoid_config2_b_recr ACT_CONFIG_GRU;
    template<class x_T, class y_T, class config_T>
    using activation_recr = nnet::activation::sigmoid<x_T, y_T, config_T>;
    typedef relu_config2_b ACT_CONFIG_T;
    template<class x_T, class y_T, class config_T>
    using activation = nnet::activation::relu<x_T, y_T, config_T>;
    static const unsigned n_in  = 3;
    static const unsigned n_state = 2;
    static const unsigned n_mult = 3;
    static const bool pytorch_order = false;
};

// bidir1
struct config2 : nnet::bidirectional_config {
    typedef config2_forward FORWARD_CONFIG;
    template<class x_T, class y_T, typename config_T, bool backward>
    using RNNfunc_forward = nnet::lstm_class_static<x_T, y_T, config_T, backward>;
    typedef config2_backward BACKWARD_CONFIG;
    template<class x_T, class y_T, typename config_T, bool backward>
    using RNNfunc_backward = nnet::gru_class_static<x_T, y_T, config_T, backward>;
    static const unsigned n_in  = 3;
    static const unsigned n_out = 5;
    static const unsigned n_sequence = 6;
    static const unsigned n_sequence_out = 6;
    static const unsigned io_type = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const bool store_weights_in_bram = false;
    static const bool use_static = true;
    static const bool pytorch_order = false;
};

struct config3_1_f : nnet::dense_config {
    static const unsigned n_in = 5;
    static const unsigned n_out = 6;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 30;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<16,6> accum_t;
    typedef bidir2_f_bias_t bias_t;
    typedef bidir2_f_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config3_2_f : nnet::dense_config {
    static const unsigned n_in = 2;
    static const unsigned n_out = 6;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 12;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<16,6,AP_RND_CONV,AP_SAT> accum_t;
    typedef bidir2_f_recurrent_bias_t bias_t;
    typedef bidir2_f_recurrent_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct sigmoid_config3_f_recr : nnet::activ_config {
    static const unsigned n_in = 4;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef bidir2_f_table_t table_t;
};

struct tanh_config3_f : nnet::activ_config {
    static const unsigned n_in = 2;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef ap_fixed<18,8> table_t;
};

struct config3_forward : nnet::single_layer_config {
    typedef bidir2_f_accum_t accum_t;
    typedef bidir2_f_weight_t weight_t;  // Matrix
    typedef bidir2_f_recurrent_weight_t recurrent_weight_t;  // Matrix
    typedef bidir2_f_bias_t bias_t;  // Vector
    typedef bidir2_f_recurrent_bias_t recurrent_bias_t;  // Vector
    typedef config3_1_f mult_config1;
    typedef config3_2_f mult_config2;
    typedef sigmoid_config3_f_recr ACT_CONFIG_GRU;
    template<class x_T, class y_T, class config_T>
    using activation_recr = nnet::activation::sigmoid<x_T, y_T, config_T>;
    typedef tanh_config3_f ACT_CONFIG_T;
    template<class x_T, class y_T, class config_T>
    using activation = nnet::activation::tanh<x_T, y_T, config_T>;
    static const unsigned n_in  = 5;
    static const unsigned n_state = 2;
    static const unsigned n_mult = 3;
    static const bool pytorch_order = false;
};

struct config3_1_b : nnet::dense_config {
    static const unsigned n_in = 5;
    static const unsigned n_out = 9;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 45;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<16,6> accum_t;
    typedef bidir2_b_bias_t bias_t;
    typedef bidir2_b_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config3_2_b : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 9;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 27;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef ap_fixed<16,6,AP_RND_CONV,AP_SAT> accum_t;
    typedef bidir2_b_recurrent_bias_t bias_t;
    typedef bidir2_b_recurrent_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct sigmoid_config3_b_recr : nnet::activ_config {
    static const unsigned n_in = 6;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef bidir2_b_table_t table_t;
};

struct tanh_config3_b : nnet::activ_config {
    static const unsigned n_in = 3;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef ap_fixed<18,8> table_t;
};

struct config3_backward : nnet::single_layer_config {
    typedef bidir2_b_accum_t accum_t;
    typedef bidir2_b_weight_t weight_t;  // Matrix
    typedef bidir2_b_recurrent_weight_t recurrent_weight_t;  // Matrix
    typedef bidir2_b_bias_t bias_t;  // Vector
    typedef bidir2_b_recurrent_bias_t recurrent_bias_t;  // Vector
    typedef config3_1_b mult_config1;
    typedef config3_2_b mult_config2;
    typedef sigmoid_config3_b_recr ACT_CONFIG_GRU;
    template<class x_T, class y_T, class config_T>
    using activation_recr = nnet::activation::sigmoid<x_T, y_T, config_T>;
    typedef tanh_config3_b ACT_CONFIG_T;
    template<class x_T, class y_T, class config_T>
    using activation = nnet::activation::tanh<x_T, y_T, config_T>;
    static const unsigned n_in  = 5;
    static const unsigned n_state = 3;
    static const unsigned n_mult = 3;
    static const bool pytorch_order = false;
};

// bidir2
struct config3 : nnet::bidirectional_config {
    typedef config3_forward FORWARD_CONFIG;
    template<class x_T, class y_T, typename config_T, bool backward>
    using RNNfunc_forward = nnet::gru_class<x_T, y_T, config_T, backward>;
    typedef config3_backward BACKWARD_CONFIG;
    template<class x_T, class y_T, typename config_T, bool backward>
    using RNNfunc_backward = nnet::gru_class<x_T, y_T, config_T, backward>;
    static const unsigned n_in  = 5;
    static const unsigned n_out = 5;
    static const unsigned n_sequence = 6;
    static const unsigned n_sequence_out = 1;
    static const unsigned io_type = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const bool store_weights_in_bram = false;
    static const bool use_static = false;
    static const bool pytorch_order = false;
};

// fc
struct config4 : nnet::dense_config {
    static const unsigned n_in = 5;
    static const unsigned n_out = 2;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef fc_accum_t accum_t;
    typedef fc_bias_t bias_t;
    typedef fc_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};


#endif
