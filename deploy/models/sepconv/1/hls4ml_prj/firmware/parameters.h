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
#include "nnet_utils/nnet_embed.h"
#include "nnet_utils/nnet_embed_stream.h"
#include "nnet_utils/nnet_sepconv1d.h"
#include "nnet_utils/nnet_sepconv1d_stream.h"
#include "nnet_utils/nnet_sepconv2d.h"
#include "nnet_utils/nnet_sepconv2d_stream.h"
#include "nnet_utils/nnet_transpose.h"
#include "nnet_utils/nnet_transpose_stream.h"

// hls-fpga-machine-learning insert weights
#include "weights/w2.h"
#include "weights/b2.h"
#include "weights/w4.h"
#include "weights/b4.h"
#include "weights/w7.h"
#include "weights/b7.h"
#include "weights/d9.h"
#include "weights/p9.h"
#include "weights/z9.h"
#include "weights/b9.h"
#include "weights/w12.h"
#include "weights/b12.h"
#include "weights/s13.h"
#include "weights/b13.h"
#include "weights/w14.h"
#include "weights/b14.h"
#include "weights/w16.h"
#include "weights/b16.h"
#include "weights/d18.h"
#include "weights/p18.h"
#include "weights/z18.h"
#include "weights/b18.h"
#include "weights/w20.h"
#include "weights/b20.h"
#include "weights/e22.h"
#include "weights/w23.h"
#include "weights/b23.h"
#include "weights/a24.h"
#include "weights/w28.h"
#include "weights/b28.h"

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config2 : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[0]; buffer[0][3] = data[1]; buffer[0][4] = data[2]; buffer[0][5] = data[3]; }
        if (partition == 1) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; }
        if (partition == 2) { buffer[0][0] = data[2]; buffer[0][1] = data[3]; buffer[0][2] = data[4]; buffer[0][3] = data[5]; buffer[0][4] = data[6]; buffer[0][5] = data[7]; }
        if (partition == 3) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; buffer[0][2] = data[6]; buffer[0][3] = data[7]; buffer[0][4] = data[8]; buffer[0][5] = data[9]; }
        if (partition == 4) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; buffer[0][3] = data[9]; buffer[0][4] = data[10]; buffer[0][5] = data[11]; }
        if (partition == 5) { buffer[0][0] = data[8]; buffer[0][1] = data[9]; buffer[0][2] = data[10]; buffer[0][3] = data[11]; buffer[0][4] = data[12]; buffer[0][5] = data[13]; }
        if (partition == 6) { buffer[0][0] = data[10]; buffer[0][1] = data[11]; buffer[0][2] = data[12]; buffer[0][3] = data[13]; buffer[0][4] = data[14]; buffer[0][5] = data[15]; }
        if (partition == 7) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = 0; buffer[0][5] = 0; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config4 : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = data[0]; buffer[0][4] = data[1]; buffer[0][5] = data[2]; buffer[0][6] = data[3]; buffer[0][7] = data[4]; buffer[0][8] = data[5]; }
        if (partition == 1) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; buffer[0][6] = data[6]; buffer[0][7] = data[7]; buffer[0][8] = data[8]; }
        if (partition == 2) { buffer[0][0] = data[3]; buffer[0][1] = data[4]; buffer[0][2] = data[5]; buffer[0][3] = data[6]; buffer[0][4] = data[7]; buffer[0][5] = data[8]; buffer[0][6] = data[9]; buffer[0][7] = data[10]; buffer[0][8] = data[11]; }
        if (partition == 3) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; buffer[0][3] = data[9]; buffer[0][4] = data[10]; buffer[0][5] = data[11]; buffer[0][6] = data[12]; buffer[0][7] = data[13]; buffer[0][8] = data[14]; }
        if (partition == 4) { buffer[0][0] = data[9]; buffer[0][1] = data[10]; buffer[0][2] = data[11]; buffer[0][3] = data[12]; buffer[0][4] = data[13]; buffer[0][5] = data[14]; buffer[0][6] = data[15]; buffer[0][7] = data[16]; buffer[0][8] = data[17]; }
        if (partition == 5) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = data[16]; buffer[0][5] = data[17]; buffer[0][6] = data[18]; buffer[0][7] = data[19]; buffer[0][8] = data[20]; }
        if (partition == 6) { buffer[0][0] = data[15]; buffer[0][1] = data[16]; buffer[0][2] = data[17]; buffer[0][3] = data[18]; buffer[0][4] = data[19]; buffer[0][5] = data[20]; buffer[0][6] = data[21]; buffer[0][7] = data[22]; buffer[0][8] = data[23]; }
        if (partition == 7) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; buffer[0][3] = data[21]; buffer[0][4] = data[22]; buffer[0][5] = data[23]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = 0; }
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
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; }
        if (partition == 1) { buffer[0][0] = data[3]; buffer[0][1] = data[4]; buffer[0][2] = data[5]; }
        if (partition == 2) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; }
        if (partition == 3) { buffer[0][0] = data[9]; buffer[0][1] = data[10]; buffer[0][2] = data[11]; }
        if (partition == 4) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; }
        if (partition == 5) { buffer[0][0] = data[15]; buffer[0][1] = data[16]; buffer[0][2] = data[17]; }
        if (partition == 6) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; }
        if (partition == 7) { buffer[0][0] = data[21]; buffer[0][1] = data[22]; buffer[0][2] = data[23]; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config9_depthwise : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
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
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_config9_pointwise : public nnet::FillConv1DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; }
        if (partition == 1) { buffer[0][0] = data[3]; buffer[0][1] = data[4]; buffer[0][2] = data[5]; }
        if (partition == 2) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; }
        if (partition == 3) { buffer[0][0] = data[9]; buffer[0][1] = data[10]; buffer[0][2] = data[11]; }
        if (partition == 4) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; }
        if (partition == 5) { buffer[0][0] = data[15]; buffer[0][1] = data[16]; buffer[0][2] = data[17]; }
        if (partition == 6) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_16 : public nnet::FillConv2DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[0]; buffer[0][9] = data[1]; buffer[0][10] = data[2]; buffer[0][11] = data[3]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[8]; buffer[0][15] = data[9]; buffer[0][16] = data[10]; buffer[0][17] = data[11]; }
        if (partition == 1) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[0]; buffer[0][7] = data[1]; buffer[0][8] = data[2]; buffer[0][9] = data[3]; buffer[0][10] = data[4]; buffer[0][11] = data[5]; buffer[0][12] = data[8]; buffer[0][13] = data[9]; buffer[0][14] = data[10]; buffer[0][15] = data[11]; buffer[0][16] = data[12]; buffer[0][17] = data[13]; }
        if (partition == 2) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[2]; buffer[0][7] = data[3]; buffer[0][8] = data[4]; buffer[0][9] = data[5]; buffer[0][10] = data[6]; buffer[0][11] = data[7]; buffer[0][12] = data[10]; buffer[0][13] = data[11]; buffer[0][14] = data[12]; buffer[0][15] = data[13]; buffer[0][16] = data[14]; buffer[0][17] = data[15]; }
        if (partition == 3) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[4]; buffer[0][7] = data[5]; buffer[0][8] = data[6]; buffer[0][9] = data[7]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[12]; buffer[0][13] = data[13]; buffer[0][14] = data[14]; buffer[0][15] = data[15]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 4) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[0]; buffer[0][3] = data[1]; buffer[0][4] = data[2]; buffer[0][5] = data[3]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[8]; buffer[0][9] = data[9]; buffer[0][10] = data[10]; buffer[0][11] = data[11]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[16]; buffer[0][15] = data[17]; buffer[0][16] = data[18]; buffer[0][17] = data[19]; }
        if (partition == 5) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; buffer[0][6] = data[8]; buffer[0][7] = data[9]; buffer[0][8] = data[10]; buffer[0][9] = data[11]; buffer[0][10] = data[12]; buffer[0][11] = data[13]; buffer[0][12] = data[16]; buffer[0][13] = data[17]; buffer[0][14] = data[18]; buffer[0][15] = data[19]; buffer[0][16] = data[20]; buffer[0][17] = data[21]; }
        if (partition == 6) { buffer[0][0] = data[2]; buffer[0][1] = data[3]; buffer[0][2] = data[4]; buffer[0][3] = data[5]; buffer[0][4] = data[6]; buffer[0][5] = data[7]; buffer[0][6] = data[10]; buffer[0][7] = data[11]; buffer[0][8] = data[12]; buffer[0][9] = data[13]; buffer[0][10] = data[14]; buffer[0][11] = data[15]; buffer[0][12] = data[18]; buffer[0][13] = data[19]; buffer[0][14] = data[20]; buffer[0][15] = data[21]; buffer[0][16] = data[22]; buffer[0][17] = data[23]; }
        if (partition == 7) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; buffer[0][2] = data[6]; buffer[0][3] = data[7]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[12]; buffer[0][7] = data[13]; buffer[0][8] = data[14]; buffer[0][9] = data[15]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[20]; buffer[0][13] = data[21]; buffer[0][14] = data[22]; buffer[0][15] = data[23]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 8) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[8]; buffer[0][3] = data[9]; buffer[0][4] = data[10]; buffer[0][5] = data[11]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[16]; buffer[0][9] = data[17]; buffer[0][10] = data[18]; buffer[0][11] = data[19]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[24]; buffer[0][15] = data[25]; buffer[0][16] = data[26]; buffer[0][17] = data[27]; }
        if (partition == 9) { buffer[0][0] = data[8]; buffer[0][1] = data[9]; buffer[0][2] = data[10]; buffer[0][3] = data[11]; buffer[0][4] = data[12]; buffer[0][5] = data[13]; buffer[0][6] = data[16]; buffer[0][7] = data[17]; buffer[0][8] = data[18]; buffer[0][9] = data[19]; buffer[0][10] = data[20]; buffer[0][11] = data[21]; buffer[0][12] = data[24]; buffer[0][13] = data[25]; buffer[0][14] = data[26]; buffer[0][15] = data[27]; buffer[0][16] = data[28]; buffer[0][17] = data[29]; }
        if (partition == 10) { buffer[0][0] = data[10]; buffer[0][1] = data[11]; buffer[0][2] = data[12]; buffer[0][3] = data[13]; buffer[0][4] = data[14]; buffer[0][5] = data[15]; buffer[0][6] = data[18]; buffer[0][7] = data[19]; buffer[0][8] = data[20]; buffer[0][9] = data[21]; buffer[0][10] = data[22]; buffer[0][11] = data[23]; buffer[0][12] = data[26]; buffer[0][13] = data[27]; buffer[0][14] = data[28]; buffer[0][15] = data[29]; buffer[0][16] = data[30]; buffer[0][17] = data[31]; }
        if (partition == 11) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[20]; buffer[0][7] = data[21]; buffer[0][8] = data[22]; buffer[0][9] = data[23]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[28]; buffer[0][13] = data[29]; buffer[0][14] = data[30]; buffer[0][15] = data[31]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 12) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[16]; buffer[0][3] = data[17]; buffer[0][4] = data[18]; buffer[0][5] = data[19]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[24]; buffer[0][9] = data[25]; buffer[0][10] = data[26]; buffer[0][11] = data[27]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 13) { buffer[0][0] = data[16]; buffer[0][1] = data[17]; buffer[0][2] = data[18]; buffer[0][3] = data[19]; buffer[0][4] = data[20]; buffer[0][5] = data[21]; buffer[0][6] = data[24]; buffer[0][7] = data[25]; buffer[0][8] = data[26]; buffer[0][9] = data[27]; buffer[0][10] = data[28]; buffer[0][11] = data[29]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 14) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; buffer[0][3] = data[21]; buffer[0][4] = data[22]; buffer[0][5] = data[23]; buffer[0][6] = data[26]; buffer[0][7] = data[27]; buffer[0][8] = data[28]; buffer[0][9] = data[29]; buffer[0][10] = data[30]; buffer[0][11] = data[31]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 15) { buffer[0][0] = data[20]; buffer[0][1] = data[21]; buffer[0][2] = data[22]; buffer[0][3] = data[23]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[28]; buffer[0][7] = data[29]; buffer[0][8] = data[30]; buffer[0][9] = data[31]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_18_depthwise : public nnet::FillConv2DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; buffer[0][6] = data[8]; buffer[0][7] = data[9]; buffer[0][8] = data[10]; buffer[0][9] = data[11]; buffer[0][10] = data[12]; buffer[0][11] = data[13]; buffer[0][12] = data[16]; buffer[0][13] = data[17]; buffer[0][14] = data[18]; buffer[0][15] = data[19]; buffer[0][16] = data[20]; buffer[0][17] = data[21]; }
        if (partition == 1) { buffer[0][0] = data[2]; buffer[0][1] = data[3]; buffer[0][2] = data[4]; buffer[0][3] = data[5]; buffer[0][4] = data[6]; buffer[0][5] = data[7]; buffer[0][6] = data[10]; buffer[0][7] = data[11]; buffer[0][8] = data[12]; buffer[0][9] = data[13]; buffer[0][10] = data[14]; buffer[0][11] = data[15]; buffer[0][12] = data[18]; buffer[0][13] = data[19]; buffer[0][14] = data[20]; buffer[0][15] = data[21]; buffer[0][16] = data[22]; buffer[0][17] = data[23]; }
        if (partition == 2) { buffer[0][0] = data[8]; buffer[0][1] = data[9]; buffer[0][2] = data[10]; buffer[0][3] = data[11]; buffer[0][4] = data[12]; buffer[0][5] = data[13]; buffer[0][6] = data[16]; buffer[0][7] = data[17]; buffer[0][8] = data[18]; buffer[0][9] = data[19]; buffer[0][10] = data[20]; buffer[0][11] = data[21]; buffer[0][12] = data[24]; buffer[0][13] = data[25]; buffer[0][14] = data[26]; buffer[0][15] = data[27]; buffer[0][16] = data[28]; buffer[0][17] = data[29]; }
        if (partition == 3) { buffer[0][0] = data[10]; buffer[0][1] = data[11]; buffer[0][2] = data[12]; buffer[0][3] = data[13]; buffer[0][4] = data[14]; buffer[0][5] = data[15]; buffer[0][6] = data[18]; buffer[0][7] = data[19]; buffer[0][8] = data[20]; buffer[0][9] = data[21]; buffer[0][10] = data[22]; buffer[0][11] = data[23]; buffer[0][12] = data[26]; buffer[0][13] = data[27]; buffer[0][14] = data[28]; buffer[0][15] = data[29]; buffer[0][16] = data[30]; buffer[0][17] = data[31]; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_18_pointwise : public nnet::FillConv2DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; }
        if (partition == 1) { buffer[0][0] = data[2]; buffer[0][1] = data[3]; }
        if (partition == 2) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; }
        if (partition == 3) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; }
    }
};
}  // namespace nnet

// hls-fpga-machine-learning insert layer-config
// conv1
struct config2_mult : nnet::dense_config {
    static const unsigned n_in = 6;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef conv1_accum_t accum_t;
    typedef conv1_bias_t bias_t;
    typedef conv1_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config2 : nnet::conv1d_config {
    static const unsigned pad_left = 1;
    static const unsigned pad_right = 1;
    static const unsigned in_width = 8;
    static const unsigned n_chan = 2;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 8;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
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
    using fill_buffer = nnet::fill_buffer_config2<data_T, CONFIG_T>;
    typedef conv1_accum_t accum_t;
    typedef conv1_bias_t bias_t;
    typedef conv1_weight_t weight_t;
    typedef config2_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config2::filt_width> config2::pixels[] = {0};

// conv1_elu
struct elu_config3 : nnet::activ_config {
    static const unsigned n_in = 24;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef conv1_elu_table_t table_t;
};

// dw1
struct config4_mult : nnet::dense_config {
    static const unsigned n_in = 9;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef dw1_accum_t accum_t;
    typedef dw1_bias_t bias_t;
    typedef dw1_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DepthwiseDenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config4 : nnet::conv1d_config {
    static const unsigned pad_left = 1;
    static const unsigned pad_right = 1;
    static const unsigned in_width = 8;
    static const unsigned n_chan = 3;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 8;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
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
    using fill_buffer = nnet::fill_buffer_config4<data_T, CONFIG_T>;
    typedef dw1_accum_t accum_t;
    typedef dw1_bias_t bias_t;
    typedef dw1_weight_t weight_t;
    typedef config4_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config4::filt_width> config4::pixels[] = {0};

// dw1_softplus
struct softplus_config5 : nnet::activ_config {
    static const unsigned n_in = 24;
    static const unsigned table_size = 512;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef dw1_softplus_table_t table_t;
};

// gap1
struct config6 : nnet::pooling1d_config {
    static const unsigned n_in = 8;
    static const unsigned n_filt = 3;
    static const nnet::Pool_Op pool_op = nnet::Average;
    static const unsigned reuse_factor = 1;
    typedef gap1_accum_t accum_t;
};

// pw1
struct config7_mult : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef pw1_accum_t accum_t;
    typedef pw1_bias_t bias_t;
    typedef pw1_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config7 : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 8;
    static const unsigned n_chan = 3;
    static const unsigned filt_width = 1;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 8;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
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
    using fill_buffer = nnet::fill_buffer_config7<data_T, CONFIG_T>;
    typedef pw1_accum_t accum_t;
    typedef pw1_bias_t bias_t;
    typedef pw1_weight_t weight_t;
    typedef config7_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config7::filt_width> config7::pixels[] = {0};

// pw1_elu
struct elu_config8 : nnet::activ_config {
    static const unsigned n_in = 24;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef pw1_elu_table_t table_t;
};

// sep1_depthwise
struct config9_depthwise_mult : nnet::dense_config {
    static const unsigned n_in = 6;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef sep1_depthwise_accum_t accum_t;
    typedef sep1_depthwise_bias_t bias_t;
    typedef sep1_depthwise_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DepthwiseDenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config9_depthwise : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 8;
    static const unsigned n_chan = 3;
    static const unsigned filt_width = 2;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 7;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_width = 8;
    static const ap_uint<filt_width> pixels[min_width];
    static const unsigned n_partitions = 7;
    static const unsigned n_pixels = out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_config9_depthwise<data_T, CONFIG_T>;
    typedef sep1_depthwise_accum_t accum_t;
    typedef sep1_depthwise_bias_t bias_t;
    typedef sep1_depthwise_weight_t weight_t;
    typedef config9_depthwise_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config9_depthwise::filt_width> config9_depthwise::pixels[] = {0};

// sep1_pointwise
struct config9_pointwise_mult : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 4;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef sep1_pointwise_accum_t accum_t;
    typedef sep1_pointwise_bias_t bias_t;
    typedef sep1_pointwise_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config9_pointwise : nnet::conv1d_config {
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_width = 7;
    static const unsigned n_chan = 3;
    static const unsigned filt_width = 1;
    static const unsigned kernel_size = filt_width;
    static const unsigned n_filt = 4;
    static const unsigned stride_width = 1;
    static const unsigned dilation = 1;
    static const unsigned out_width = 7;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_width = 7;
    static const ap_uint<filt_width> pixels[min_width];
    static const unsigned n_partitions = 7;
    static const unsigned n_pixels = out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_config9_pointwise<data_T, CONFIG_T>;
    typedef sep1_pointwise_accum_t accum_t;
    typedef sep1_pointwise_bias_t bias_t;
    typedef sep1_pointwise_weight_t weight_t;
    typedef config9_pointwise_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index = nnet::scale_index_unscaled<K, S, W>;
    template<class data_T, class res_T, class CONFIG_T>
    using conv_kernel = nnet::Conv1DLatency<data_T, res_T, CONFIG_T>;
};
const ap_uint<config9_pointwise::filt_width> config9_pointwise::pixels[] = {0};

// sep1
struct config9 {
    typedef config9_depthwise depthwise_config;
    typedef config9_pointwise pointwise_config;
};

// sep1_softsign
struct softsign_config10 : nnet::activ_config {
    static const unsigned n_in = 28;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef sep1_softsign_table_t table_t;
};

// pool1
struct config11 : nnet::pooling1d_config {
    static const unsigned n_in = 7;
    static const unsigned n_out = 3;
    static const unsigned n_filt = 4;
    static const unsigned pool_width = 2;
    static const unsigned filt_width = pool_width;
    static const unsigned n_chan = n_filt;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const bool count_pad = false;
    static const unsigned stride_width = 2;
    static const nnet::Pool_Op pool_op = nnet::Average;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned reuse_factor = 1;
    typedef pool1_accum_t accum_t;
};

// seq_fc
struct config12 : nnet::dense_config {
    static const unsigned n_in = 12;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef seq_fc_accum_t accum_t;
    typedef seq_fc_bias_t bias_t;
    typedef seq_fc_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// seq_fc_alpha
struct config13 : nnet::batchnorm_config {
    static const unsigned n_in = 5;
    static const unsigned n_filt = 5;
    static const unsigned n_scale_bias = (n_filt == -1) ? n_in : n_filt;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);
    static const bool store_weights_in_bram = false;
    typedef seq_fc_alpha_bias_t bias_t;
    typedef exponent_scale13_t scale_t;
    template<class x_T, class y_T>
    using product = nnet::product::weight_exponential<x_T, y_T>;
};

// gap_fc
struct config14 : nnet::dense_config {
    static const unsigned n_in = 3;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 1;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef gap_fc_accum_t accum_t;
    typedef gap_fc_bias_t bias_t;
    typedef gap_fc_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// add_gap
struct config15 : nnet::merge_config {
    static const unsigned n_elem = 5;
    static const unsigned n_elem1 = 5;
    static const unsigned n_elem2 = 5;
    static const unsigned reuse_factor = 1;
};

// dw2
struct config16_mult : nnet::dense_config {
    static const unsigned n_in = 18;
    static const unsigned n_out = 2;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef dw2_accum_t accum_t;
    typedef dw2_bias_t bias_t;
    typedef dw2_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DepthwiseDenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config16 : nnet::conv2d_config {
    static const unsigned pad_top = 1;
    static const unsigned pad_bottom = 1;
    static const unsigned pad_left = 1;
    static const unsigned pad_right = 1;
    static const unsigned in_height = 4;
    static const unsigned in_width = 4;
    static const unsigned n_chan = 2;
    static const unsigned filt_height = 3;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_height * filt_width;
    static const unsigned n_filt = 2;
    static const unsigned stride_height = 1;
    static const unsigned stride_width = 1;
    static const unsigned out_height = 4;
    static const unsigned out_width = 4;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_height = 4;
    static const unsigned min_width = 4;
    static const ap_uint<filt_height * filt_width> pixels[min_height * min_width];
    static const unsigned n_partitions = 16;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_16<data_T, CONFIG_T>;
    typedef dw2_accum_t accum_t;
    typedef dw2_bias_t bias_t;
    typedef dw2_weight_t weight_t;
    typedef config16_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_height = nnet::scale_index_unscaled<K, S, W>;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_width = nnet::scale_index_unscaled<K, S, W>;
};
const ap_uint<config16::filt_height * config16::filt_width> config16::pixels[] = {0};

// dw2_selu
struct selu_config17 : nnet::activ_config {
    static const unsigned n_in = 32;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef dw2_selu_table_t table_t;
};

// sep2_depthwise
struct config18_depthwise_mult : nnet::dense_config {
    static const unsigned n_in = 18;
    static const unsigned n_out = 2;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef sep2_depthwise_accum_t accum_t;
    typedef sep2_depthwise_bias_t bias_t;
    typedef sep2_depthwise_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DepthwiseDenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config18_depthwise : nnet::conv2d_config {
    static const unsigned pad_top = 0;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_height = 4;
    static const unsigned in_width = 4;
    static const unsigned n_chan = 2;
    static const unsigned filt_height = 3;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_height * filt_width;
    static const unsigned n_filt = 2;
    static const unsigned stride_height = 1;
    static const unsigned stride_width = 1;
    static const unsigned out_height = 2;
    static const unsigned out_width = 2;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_height = 4;
    static const unsigned min_width = 4;
    static const ap_uint<filt_height * filt_width> pixels[min_height * min_width];
    static const unsigned n_partitions = 4;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_18_depthwise<data_T, CONFIG_T>;
    typedef sep2_depthwise_accum_t accum_t;
    typedef sep2_depthwise_bias_t bias_t;
    typedef sep2_depthwise_weight_t weight_t;
    typedef config18_depthwise_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_height = nnet::scale_index_unscaled<K, S, W>;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_width = nnet::scale_index_unscaled<K, S, W>;
};
const ap_uint<config18_depthwise::filt_height * config18_depthwise::filt_width> config18_depthwise::pixels[] = {0};

// sep2_pointwise
struct config18_pointwise_mult : nnet::dense_config {
    static const unsigned n_in = 2;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = nnet::latency;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef sep2_pointwise_accum_t accum_t;
    typedef sep2_pointwise_bias_t bias_t;
    typedef sep2_pointwise_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config18_pointwise : nnet::conv2d_config {
    static const unsigned pad_top = 0;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_height = 2;
    static const unsigned in_width = 2;
    static const unsigned n_chan = 2;
    static const unsigned filt_height = 1;
    static const unsigned filt_width = 1;
    static const unsigned kernel_size = filt_height * filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_height = 1;
    static const unsigned stride_width = 1;
    static const unsigned out_height = 2;
    static const unsigned out_width = 2;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_height = 2;
    static const unsigned min_width = 2;
    static const ap_uint<filt_height * filt_width> pixels[min_height * min_width];
    static const unsigned n_partitions = 4;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_18_pointwise<data_T, CONFIG_T>;
    typedef sep2_pointwise_accum_t accum_t;
    typedef sep2_pointwise_bias_t bias_t;
    typedef sep2_pointwise_weight_t weight_t;
    typedef config18_pointwise_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_height = nnet::scale_index_unscaled<K, S, W>;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_width = nnet::scale_index_unscaled<K, S, W>;
};
const ap_uint<config18_pointwise::filt_height * config18_pointwise::filt_width> config18_pointwise::pixels[] = {0};

// sep2
struct config18 {
    typedef config18_depthwise depthwise_config;
    typedef config18_pointwise pointwise_config;
};

// to_channels_first
struct config19 : nnet::transpose_config {
    static const unsigned dims = 3;
    static const unsigned N = 12;
    static const unsigned* const from_shape;
    static const unsigned* const to_shape;
    static const unsigned* const perm;
    static const unsigned* const perm_strides;
};

unsigned config19_from_shape[3] = {2, 2, 3};
unsigned config19_to_shape[3] = {3, 2, 2};
unsigned config19_perm[3] = {2, 0, 1};
unsigned config19_perm_strides[3] = {1, 6, 3};

const unsigned* const config19::from_shape = config19_from_shape;
const unsigned* const config19::to_shape = config19_to_shape;
const unsigned* const config19::perm = config19_perm;
const unsigned* const config19::perm_strides = config19_perm_strides;

// img_fc
struct config20 : nnet::dense_config {
    static const unsigned n_in = 12;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 43;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef img_fc_accum_t accum_t;
    typedef img_fc_bias_t bias_t;
    typedef img_fc_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::weight_ternary<x_T, y_T>;
};

// img_relu6
struct relu_config21 : nnet::activ_config {
    static const unsigned n_in = 5;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef img_relu6_table_t table_t;
};

// embed
struct config22 : nnet::embed_config {
    static const unsigned n_in = 4;
    static const unsigned n_out = 3;
    static const unsigned vocab_size = 8;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef embed_embeddings_t embeddings_t;
};

// tok_fc
struct config23 : nnet::dense_config {
    static const unsigned n_in = 12;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 54;
    static const unsigned n_nonzeros = n_in * n_out - n_zeros;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef tok_fc_accum_t accum_t;
    typedef tok_fc_bias_t bias_t;
    typedef tok_fc_weight_t weight_t;
    typedef ap_uint<1> index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::weight_binary<x_T, y_T>;
};

// tok_prelu
struct prelu_config24 : nnet::activ_config {
    static const unsigned n_in = 5;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef tok_prelu_table_t table_t;
};

// tok_relu1
struct relu_config25 : nnet::activ_config {
    static const unsigned n_in = 5;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef tok_relu1_table_t table_t;
};

// add
struct config26 : nnet::merge_config {
    static const unsigned n_elem = 5;
    static const unsigned n_elem1 = 5;
    static const unsigned n_elem2 = 5;
    static const unsigned reuse_factor = 1;
};

// concat
struct config27 : nnet::concat_config {
    static const unsigned n_elem1_0 = 5;
    static const unsigned n_elem1_1 = 0;
    static const unsigned n_elem1_2 = 0;
    static const unsigned n_elem2_0 = 5;
    static const unsigned n_elem2_1 = 0;
    static const unsigned n_elem2_2 = 0;

    static const int axis = -1;
};

// head
struct config28 : nnet::dense_config {
    static const unsigned n_in = 10;
    static const unsigned n_out = 4;
    static const unsigned io_type = nnet::io_parallel;
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

// head_binary
struct binary_tanh_config29 : nnet::activ_config {
    static const unsigned n_in = 4;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef head_binary_table_t table_t;
};

// add_ternary
struct ternary_tanh_config30 : nnet::activ_config {
    static const unsigned n_in = 5;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef add_ternary_table_t table_t;
};

// dot
struct config31 : nnet::dot_config {
    static const unsigned n_in = 5;
    static const unsigned n_out = 1;
    static const unsigned reuse_factor = 1;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);
    typedef dot_accum_t accum_t;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};


#endif
