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
#include "nnet_utils/nnet_conv1d.h"
#include "nnet_utils/nnet_conv1d_stream.h"
#include "nnet_utils/nnet_merge_stream.h"
#include "nnet_utils/nnet_sepconv1d_stream.h"
#include "nnet_utils/nnet_stream.h"

// hls-fpga-machine-learning insert weights
#include "weights/w10.h"
#include "weights/b10.h"
#include "weights/w14.h"
#include "weights/b14.h"


// hls-fpga-machine-learning insert layer-config
// sub
struct config2 : nnet::merge_config {
    static const unsigned n_elem = 48;
    static const unsigned n_elem1 = 48;
    static const unsigned n_elem2 = 48;
    static const unsigned reuse_factor = 1;
};

// max
struct config3 : nnet::merge_config {
    static const unsigned n_elem = 48;
    static const unsigned n_elem1 = 48;
    static const unsigned n_elem2 = 48;
    static const unsigned reuse_factor = 1;
};

// min
struct config4 : nnet::merge_config {
    static const unsigned n_elem = 48;
    static const unsigned n_elem1 = 48;
    static const unsigned n_elem2 = 48;
    static const unsigned reuse_factor = 1;
};

// avg
struct config5 : nnet::merge_config {
    static const unsigned n_elem = 48;
    static const unsigned n_elem1 = 48;
    static const unsigned n_elem2 = 48;
    static const unsigned reuse_factor = 1;
};

// mul
struct config6 : nnet::merge_config {
    static const unsigned n_elem = 48;
    static const unsigned n_elem1 = 48;
    static const unsigned n_elem2 = 48;
    static const unsigned reuse_factor = 1;
};

// avg_hard_tanh
struct hard_tanh_config7 {
    static const unsigned n_in = 48;
    static const avg_hard_tanh_slope_t slope;
    static const avg_hard_tanh_shift_t shift;
    static const unsigned io_type = nnet::io_stream;
    static const unsigned reuse_factor = 1;
};
const avg_hard_tanh_slope_t hard_tanh_config7::slope = 0.2;
const avg_hard_tanh_shift_t hard_tanh_config7::shift = 0.5;

// concat3d
struct config8 : nnet::concat_config {
    static const unsigned n_elem1_0 = 4;
    static const unsigned n_elem1_1 = 4;
    static const unsigned n_elem1_2 = 3;
    static const unsigned n_elem2_0 = 4;
    static const unsigned n_elem2_1 = 4;
    static const unsigned n_elem2_2 = 3;

    static const int axis = -1;
};

// pw_ternary
struct config10_mult : nnet::dense_config {
    static const unsigned n_in = 12;
    static const unsigned n_out = 4;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 28;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef pw_ternary_accum_t accum_t;
    typedef pw_ternary_bias_t bias_t;
    typedef pw_ternary_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::weight_ternary<x_T, y_T>;
};

struct config10 : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 8;
    static const unsigned n_chan = 12;
    static const unsigned filt_width = 1;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 4;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 8;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 28;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_width = 8;
    static const ap_uint<filt_width> pixels[min_width];
    static const unsigned n_partitions = 8;
    static const unsigned n_pixels = out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::FillConv1DBuffer<data_T, CONFIG_T>;
    typedef pw_ternary_accum_t accum_t;
    typedef pw_ternary_bias_t bias_t;
    typedef pw_ternary_weight_t weight_t;
    typedef config10_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config10::filt_width> config10::pixels[] = {0};

// pw_relu
struct relu_config11 : nnet::activ_config {
    static const unsigned n_in = 32;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_stream;
    static const unsigned reuse_factor = 1;
    typedef pw_relu_table_t table_t;
};

// concat2d
struct config12 : nnet::concat_config {
    static const unsigned n_elem1_0 = 8;
    static const unsigned n_elem1_1 = 4;
    static const unsigned n_elem1_2 = 0;
    static const unsigned n_elem2_0 = 8;
    static const unsigned n_elem2_1 = 4;
    static const unsigned n_elem2_2 = 0;

    static const int axis = -1;
};

// head
struct config14 : nnet::dense_config {
    static const unsigned n_in = 64;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_stream;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 2;
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
