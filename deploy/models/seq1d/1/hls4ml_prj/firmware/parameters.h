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
#include "nnet_utils/nnet_cropping.h"
#include "nnet_utils/nnet_cropping_stream.h"

// hls-fpga-machine-learning insert weights
#include "weights/w3.h"
#include "weights/b3.h"
#include "weights/w7.h"
#include "weights/b7.h"
#include "weights/w9.h"
#include "weights/b9.h"

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config3 : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; }
        if (partition == 1) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; buffer[0][2] = data[6]; buffer[0][3] = data[7]; buffer[0][4] = data[8]; buffer[0][5] = data[9]; }
        if (partition == 2) { buffer[0][0] = data[8]; buffer[0][1] = data[9]; buffer[0][2] = data[10]; buffer[0][3] = data[11]; buffer[0][4] = data[12]; buffer[0][5] = data[13]; }
        if (partition == 3) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = data[16]; buffer[0][5] = data[17]; }
        if (partition == 4) { buffer[0][0] = data[16]; buffer[0][1] = data[17]; buffer[0][2] = data[18]; buffer[0][3] = data[19]; buffer[0][4] = data[20]; buffer[0][5] = data[21]; }
        if (partition == 5) { buffer[0][0] = data[20]; buffer[0][1] = data[21]; buffer[0][2] = data[22]; buffer[0][3] = data[23]; buffer[0][4] = data[24]; buffer[0][5] = data[25]; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config7 : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; }
        if (partition == 1) { buffer[0][0] = data[3]; buffer[0][1] = data[4]; buffer[0][2] = data[5]; buffer[0][3] = data[6]; buffer[0][4] = data[7]; buffer[0][5] = data[8]; }
        if (partition == 2) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; buffer[0][3] = data[9]; buffer[0][4] = data[10]; buffer[0][5] = data[11]; }
        if (partition == 3) { buffer[0][0] = data[9]; buffer[0][1] = data[10]; buffer[0][2] = data[11]; buffer[0][3] = data[12]; buffer[0][4] = data[13]; buffer[0][5] = data[14]; }
        if (partition == 4) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = data[16]; buffer[0][5] = data[17]; }
        if (partition == 5) { buffer[0][0] = data[15]; buffer[0][1] = data[16]; buffer[0][2] = data[17]; buffer[0][3] = data[18]; buffer[0][4] = data[19]; buffer[0][5] = data[20]; }
        if (partition == 6) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; buffer[0][3] = data[21]; buffer[0][4] = data[22]; buffer[0][5] = data[23]; }
        if (partition == 7) { buffer[0][0] = data[21]; buffer[0][1] = data[22]; buffer[0][2] = data[23]; buffer[0][3] = data[24]; buffer[0][4] = data[25]; buffer[0][5] = data[26]; }
        if (partition == 8) { buffer[0][0] = data[24]; buffer[0][1] = data[25]; buffer[0][2] = data[26]; buffer[0][3] = data[27]; buffer[0][4] = data[28]; buffer[0][5] = data[29]; }
    }
};
}  // namespace nnet

// hls-fpga-machine-learning insert layer-config
// pad
struct config2 : nnet::padding1d_config {
    static const unsigned in_width = 10;
    static const unsigned n_chan = 2;
    static const unsigned out_width = 13;
    static const unsigned pad_left = 1;
    static const unsigned pad_right = 2;
};

// conv_s2
struct config3_mult : nnet::dense_config {
    static const unsigned n_in = 6;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 1;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef conv_s2_accum_t accum_t;
    typedef conv_s2_bias_t bias_t;
    typedef conv_s2_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config3 : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 13;
    static const unsigned n_chan = 2;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_width = 2;
    static const unsigned dilation = 1;
    static const unsigned out_width = 6;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 1;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_width = 13;
    static const ap_uint<filt_width> pixels[min_width];
    static const unsigned n_partitions = 6;
    static const unsigned n_pixels = out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_config3<data_T, CONFIG_T>;
    typedef conv_s2_accum_t accum_t;
    typedef conv_s2_bias_t bias_t;
    typedef conv_s2_weight_t weight_t;
    typedef config3_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config3::filt_width> config3::pixels[] = {0};

// conv_relu
struct relu_config4 : nnet::activ_config {
    static const unsigned n_in = 18;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef conv_relu_table_t table_t;
};

// crop
struct config5 : nnet::cropping1d_config {
    static const unsigned in_width = 6;
    static const unsigned n_chan = 3;
    static const unsigned out_width = 5;
    static const unsigned crop_left = 1;
    static const unsigned crop_right = 0;
};

// up
struct config6 : nnet::resize_config {
    static const unsigned height = 1;
    static const unsigned width = 5;
    static const unsigned n_chan = 3;
    static const unsigned new_height = 1;
    static const unsigned new_width = 10;
};

// conv2
struct config7_mult : nnet::dense_config {
    static const unsigned n_in = 6;
    static const unsigned n_out = 2;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef conv2_accum_t accum_t;
    typedef conv2_bias_t bias_t;
    typedef conv2_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config7 : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 10;
    static const unsigned n_chan = 3;
    static const unsigned filt_width = 2;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 2;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 9;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_width = 10;
    static const ap_uint<filt_width> pixels[min_width];
    static const unsigned n_partitions = 9;
    static const unsigned n_pixels = out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_config7<data_T, CONFIG_T>;
    typedef conv2_accum_t accum_t;
    typedef conv2_bias_t bias_t;
    typedef conv2_weight_t weight_t;
    typedef config7_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config7::filt_width> config7::pixels[] = {0};

// pool
struct config8 : nnet::pooling1d_config {
    static const unsigned n_in = 9;
    static const unsigned n_out = 4;
    static const unsigned n_filt = 2;
    static const unsigned pool_width = 2;
    static const unsigned filt_width = pool_width;
    static const unsigned n_chan = n_filt;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const bool count_pad = false;
    static const unsigned stride_width = 2;
    static const nnet::Pool_Op pool_op = nnet::Max;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned reuse_factor = 1;
    typedef pool_accum_t accum_t;
};

// head
struct config9 : nnet::dense_config {
    static const unsigned n_in = 8;
    static const unsigned n_out = 3;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 1;
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
