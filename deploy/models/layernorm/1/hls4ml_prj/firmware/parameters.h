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
#include "nnet_utils/nnet_layernorm.h"

// hls-fpga-machine-learning insert weights
#include "weights/s2.h"
#include "weights/b2.h"
#include "weights/w4.h"
#include "weights/b4.h"
#include "weights/s6.h"
#include "weights/b6.h"
#include "weights/w7.h"
#include "weights/b7.h"


// hls-fpga-machine-learning insert layer-config
// ln1
struct config2 : nnet::layernorm_config {
    static const unsigned n_in = 24;
    static const unsigned seq_len = 4;
    static const unsigned axis = 2;
    static const unsigned epsilon_power_of_10 = 4;
    static const unsigned table_range_power2 = 2;
    static const unsigned table_size = 512;
    typedef ln1_accum_t accum_t;
    typedef ln1_bias_t bias_t;
    typedef ln1_scale_t scale_t;
    typedef ln1_table_t table_t;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// attn
struct softmax_config3 : nnet::activ_config {
    static const unsigned n_in = 24;
    static const unsigned n_slice = 4;
    static const unsigned n_outer = 1;
    static const unsigned n_inner = 6;
    static const unsigned parallelization_factor = -1;
    static const unsigned exp_table_size = 1024;
    static const unsigned inv_table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned axis = -1;
    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::stable;
    static constexpr float exp_scale = 1.0;
    typedef attn_exp_table_t exp_table_t;
    typedef attn_inv_table_t inv_table_t;
    typedef attn_accum_t accum_t;
    typedef attn_inv_inp_t inv_inp_t;
    typedef ap_ufixed<13,3,AP_RND,AP_SAT> inp_norm_t;
};

// fc1
struct config4 : nnet::dense_config {
    static const unsigned n_in = 24;
    static const unsigned n_out = 8;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 2;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef fc1_accum_t accum_t;
    typedef fc1_bias_t bias_t;
    typedef fc1_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// fc1_relu
struct relu_config5 : nnet::activ_config {
    static const unsigned n_in = 8;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef fc1_relu_table_t table_t;
};

// ln2
struct config6 : nnet::layernorm_config {
    static const unsigned n_in = 8;
    static const unsigned seq_len = 1;
    static const unsigned axis = 2;
    static const unsigned epsilon_power_of_10 = 3;
    static const unsigned table_range_power2 = 0;
    static const unsigned table_size = 1024;
    typedef ln2_accum_t accum_t;
    typedef ln2_bias_t bias_t;
    typedef ln2_scale_t scale_t;
    typedef ln2_table_t table_t;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// head
struct config7 : nnet::dense_config {
    static const unsigned n_in = 8;
    static const unsigned n_out = 3;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef head_accum_t accum_t;
    typedef head_bias_t bias_t;
    typedef head_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};


#endif
