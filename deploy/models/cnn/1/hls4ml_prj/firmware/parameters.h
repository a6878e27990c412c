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

// hls-fpga-machine-learning insert weights
#include "weights/w2.h"
#include "weights/b2.h"
#include "weights/s3.h"
#include "weights/b3.h"
#include "weights/w6.h"
#include "weights/b6.h"
#include "weights/w11.h"
#include "weights/b11.h"

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_2 : public nnet::FillConv2DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[0]; buffer[0][9] = data[1]; buffer[0][10] = data[2]; buffer[0][11] = data[3]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[12]; buffer[0][15] = data[13]; buffer[0][16] = data[14]; buffer[0][17] = data[15]; }
        if (partition == 1) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[0]; buffer[0][7] = data[1]; buffer[0][8] = data[2]; buffer[0][9] = data[3]; buffer[0][10] = data[4]; buffer[0][11] = data[5]; buffer[0][12] = data[12]; buffer[0][13] = data[13]; buffer[0][14] = data[14]; buffer[0][15] = data[15]; buffer[0][16] = data[16]; buffer[0][17] = data[17]; }
        if (partition == 2) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[2]; buffer[0][7] = data[3]; buffer[0][8] = data[4]; buffer[0][9] = data[5]; buffer[0][10] = data[6]; buffer[0][11] = data[7]; buffer[0][12] = data[14]; buffer[0][13] = data[15]; buffer[0][14] = data[16]; buffer[0][15] = data[17]; buffer[0][16] = data[18]; buffer[0][17] = data[19]; }
        if (partition == 3) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[4]; buffer[0][7] = data[5]; buffer[0][8] = data[6]; buffer[0][9] = data[7]; buffer[0][10] = data[8]; buffer[0][11] = data[9]; buffer[0][12] = data[16]; buffer[0][13] = data[17]; buffer[0][14] = data[18]; buffer[0][15] = data[19]; buffer[0][16] = data[20]; buffer[0][17] = data[21]; }
        if (partition == 4) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[6]; buffer[0][7] = data[7]; buffer[0][8] = data[8]; buffer[0][9] = data[9]; buffer[0][10] = data[10]; buffer[0][11] = data[11]; buffer[0][12] = data[18]; buffer[0][13] = data[19]; buffer[0][14] = data[20]; buffer[0][15] = data[21]; buffer[0][16] = data[22]; buffer[0][17] = data[23]; }
        if (partition == 5) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = 0; buffer[0][3] = 0; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[8]; buffer[0][7] = data[9]; buffer[0][8] = data[10]; buffer[0][9] = data[11]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[20]; buffer[0][13] = data[21]; buffer[0][14] = data[22]; buffer[0][15] = data[23]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 6) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[0]; buffer[0][3] = data[1]; buffer[0][4] = data[2]; buffer[0][5] = data[3]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[12]; buffer[0][9] = data[13]; buffer[0][10] = data[14]; buffer[0][11] = data[15]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[24]; buffer[0][15] = data[25]; buffer[0][16] = data[26]; buffer[0][17] = data[27]; }
        if (partition == 7) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; buffer[0][6] = data[12]; buffer[0][7] = data[13]; buffer[0][8] = data[14]; buffer[0][9] = data[15]; buffer[0][10] = data[16]; buffer[0][11] = data[17]; buffer[0][12] = data[24]; buffer[0][13] = data[25]; buffer[0][14] = data[26]; buffer[0][15] = data[27]; buffer[0][16] = data[28]; buffer[0][17] = data[29]; }
        if (partition == 8) { buffer[0][0] = data[2]; buffer[0][1] = data[3]; buffer[0][2] = data[4]; buffer[0][3] = data[5]; buffer[0][4] = data[6]; buffer[0][5] = data[7]; buffer[0][6] = data[14]; buffer[0][7] = data[15]; buffer[0][8] = data[16]; buffer[0][9] = data[17]; buffer[0][10] = data[18]; buffer[0][11] = data[19]; buffer[0][12] = data[26]; buffer[0][13] = data[27]; buffer[0][14] = data[28]; buffer[0][15] = data[29]; buffer[0][16] = data[30]; buffer[0][17] = data[31]; }
        if (partition == 9) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; buffer[0][2] = data[6]; buffer[0][3] = data[7]; buffer[0][4] = data[8]; buffer[0][5] = data[9]; buffer[0][6] = data[16]; buffer[0][7] = data[17]; buffer[0][8] = data[18]; buffer[0][9] = data[19]; buffer[0][10] = data[20]; buffer[0][11] = data[21]; buffer[0][12] = data[28]; buffer[0][13] = data[29]; buffer[0][14] = data[30]; buffer[0][15] = data[31]; buffer[0][16] = data[32]; buffer[0][17] = data[33]; }
        if (partition == 10) { buffer[0][0] = data[6]; buffer[0][1] = data[7]; buffer[0][2] = data[8]; buffer[0][3] = data[9]; buffer[0][4] = data[10]; buffer[0][5] = data[11]; buffer[0][6] = data[18]; buffer[0][7] = data[19]; buffer[0][8] = data[20]; buffer[0][9] = data[21]; buffer[0][10] = data[22]; buffer[0][11] = data[23]; buffer[0][12] = data[30]; buffer[0][13] = data[31]; buffer[0][14] = data[32]; buffer[0][15] = data[33]; buffer[0][16] = data[34]; buffer[0][17] = data[35]; }
        if (partition == 11) { buffer[0][0] = data[8]; buffer[0][1] = data[9]; buffer[0][2] = data[10]; buffer[0][3] = data[11]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[20]; buffer[0][7] = data[21]; buffer[0][8] = data[22]; buffer[0][9] = data[23]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[32]; buffer[0][13] = data[33]; buffer[0][14] = data[34]; buffer[0][15] = data[35]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 12) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[12]; buffer[0][3] = data[13]; buffer[0][4] = data[14]; buffer[0][5] = data[15]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[24]; buffer[0][9] = data[25]; buffer[0][10] = data[26]; buffer[0][11] = data[27]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[36]; buffer[0][15] = data[37]; buffer[0][16] = data[38]; buffer[0][17] = data[39]; }
        if (partition == 13) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = data[16]; buffer[0][5] = data[17]; buffer[0][6] = data[24]; buffer[0][7] = data[25]; buffer[0][8] = data[26]; buffer[0][9] = data[27]; buffer[0][10] = data[28]; buffer[0][11] = data[29]; buffer[0][12] = data[36]; buffer[0][13] = data[37]; buffer[0][14] = data[38]; buffer[0][15] = data[39]; buffer[0][16] = data[40]; buffer[0][17] = data[41]; }
        if (partition == 14) { buffer[0][0] = data[14]; buffer[0][1] = data[15]; buffer[0][2] = data[16]; buffer[0][3] = data[17]; buffer[0][4] = data[18]; buffer[0][5] = data[19]; buffer[0][6] = data[26]; buffer[0][7] = data[27]; buffer[0][8] = data[28]; buffer[0][9] = data[29]; buffer[0][10] = data[30]; buffer[0][11] = data[31]; buffer[0][12] = data[38]; buffer[0][13] = data[39]; buffer[0][14] = data[40]; buffer[0][15] = data[41]; buffer[0][16] = data[42]; buffer[0][17] = data[43]; }
        if (partition == 15) { buffer[0][0] = data[16]; buffer[0][1] = data[17]; buffer[0][2] = data[18]; buffer[0][3] = data[19]; buffer[0][4] = data[20]; buffer[0][5] = data[21]; buffer[0][6] = data[28]; buffer[0][7] = data[29]; buffer[0][8] = data[30]; buffer[0][9] = data[31]; buffer[0][10] = data[32]; buffer[0][11] = data[33]; buffer[0][12] = data[40]; buffer[0][13] = data[41]; buffer[0][14] = data[42]; buffer[0][15] = data[43]; buffer[0][16] = data[44]; buffer[0][17] = data[45]; }
        if (partition == 16) { buffer[0][0] = data[18]; buffer[0][1] = data[19]; buffer[0][2] = data[20]; buffer[0][3] = data[21]; buffer[0][4] = data[22]; buffer[0][5] = data[23]; buffer[0][6] = data[30]; buffer[0][7] = data[31]; buffer[0][8] = data[32]; buffer[0][9] = data[33]; buffer[0][10] = data[34]; buffer[0][11] = data[35]; buffer[0][12] = data[42]; buffer[0][13] = data[43]; buffer[0][14] = data[44]; buffer[0][15] = data[45]; buffer[0][16] = data[46]; buffer[0][17] = data[47]; }
        if (partition == 17) { buffer[0][0] = data[20]; buffer[0][1] = data[21]; buffer[0][2] = data[22]; buffer[0][3] = data[23]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[32]; buffer[0][7] = data[33]; buffer[0][8] = data[34]; buffer[0][9] = data[35]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[44]; buffer[0][13] = data[45]; buffer[0][14] = data[46]; buffer[0][15] = data[47]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 18) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[24]; buffer[0][3] = data[25]; buffer[0][4] = data[26]; buffer[0][5] = data[27]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[36]; buffer[0][9] = data[37]; buffer[0][10] = data[38]; buffer[0][11] = data[39]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[48]; buffer[0][15] = data[49]; buffer[0][16] = data[50]; buffer[0][17] = data[51]; }
        if (partition == 19) { buffer[0][0] = data[24]; buffer[0][1] = data[25]; buffer[0][2] = data[26]; buffer[0][3] = data[27]; buffer[0][4] = data[28]; buffer[0][5] = data[29]; buffer[0][6] = data[36]; buffer[0][7] = data[37]; buffer[0][8] = data[38]; buffer[0][9] = data[39]; buffer[0][10] = data[40]; buffer[0][11] = data[41]; buffer[0][12] = data[48]; buffer[0][13] = data[49]; buffer[0][14] = data[50]; buffer[0][15] = data[51]; buffer[0][16] = data[52]; buffer[0][17] = data[53]; }
        if (partition == 20) { buffer[0][0] = data[26]; buffer[0][1] = data[27]; buffer[0][2] = data[28]; buffer[0][3] = data[29]; buffer[0][4] = data[30]; buffer[0][5] = data[31]; buffer[0][6] = data[38]; buffer[0][7] = data[39]; buffer[0][8] = data[40]; buffer[0][9] = data[41]; buffer[0][10] = data[42]; buffer[0][11] = data[43]; buffer[0][12] = data[50]; buffer[0][13] = data[51]; buffer[0][14] = data[52]; buffer[0][15] = data[53]; buffer[0][16] = data[54]; buffer[0][17] = data[55]; }
        if (partition == 21) { buffer[0][0] = data[28]; buffer[0][1] = data[29]; buffer[0][2] = data[30]; buffer[0][3] = data[31]; buffer[0][4] = data[32]; buffer[0][5] = data[33]; buffer[0][6] = data[40]; buffer[0][7] = data[41]; buffer[0][8] = data[42]; buffer[0][9] = data[43]; buffer[0][10] = data[44]; buffer[0][11] = data[45]; buffer[0][12] = data[52]; buffer[0][13] = data[53]; buffer[0][14] = data[54]; buffer[0][15] = data[55]; buffer[0][16] = data[56]; buffer[0][17] = data[57]; }
        if (partition == 22) { buffer[0][0] = data[30]; buffer[0][1] = data[31]; buffer[0][2] = data[32]; buffer[0][3] = data[33]; buffer[0][4] = data[34]; buffer[0][5] = data[35]; buffer[0][6] = data[42]; buffer[0][7] = data[43]; buffer[0][8] = data[44]; buffer[0][9] = data[45]; buffer[0][10] = data[46]; buffer[0][11] = data[47]; buffer[0][12] = data[54]; buffer[0][13] = data[55]; buffer[0][14] = data[56]; buffer[0][15] = data[57]; buffer[0][16] = data[58]; buffer[0][17] = data[59]; }
        if (partition == 23) { buffer[0][0] = data[32]; buffer[0][1] = data[33]; buffer[0][2] = data[34]; buffer[0][3] = data[35]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[44]; buffer[0][7] = data[45]; buffer[0][8] = data[46]; buffer[0][9] = data[47]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[56]; buffer[0][13] = data[57]; buffer[0][14] = data[58]; buffer[0][15] = data[59]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 24) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[36]; buffer[0][3] = data[37]; buffer[0][4] = data[38]; buffer[0][5] = data[39]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[48]; buffer[0][9] = data[49]; buffer[0][10] = data[50]; buffer[0][11] = data[51]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = data[60]; buffer[0][15] = data[61]; buffer[0][16] = data[62]; buffer[0][17] = data[63]; }
        if (partition == 25) { buffer[0][0] = data[36]; buffer[0][1] = data[37]; buffer[0][2] = data[38]; buffer[0][3] = data[39]; buffer[0][4] = data[40]; buffer[0][5] = data[41]; buffer[0][6] = data[48]; buffer[0][7] = data[49]; buffer[0][8] = data[50]; buffer[0][9] = data[51]; buffer[0][10] = data[52]; buffer[0][11] = data[53]; buffer[0][12] = data[60]; buffer[0][13] = data[61]; buffer[0][14] = data[62]; buffer[0][15] = data[63]; buffer[0][16] = data[64]; buffer[0][17] = data[65]; }
        if (partition == 26) { buffer[0][0] = data[38]; buffer[0][1] = data[39]; buffer[0][2] = data[40]; buffer[0][3] = data[41]; buffer[0][4] = data[42]; buffer[0][5] = data[43]; buffer[0][6] = data[50]; buffer[0][7] = data[51]; buffer[0][8] = data[52]; buffer[0][9] = data[53]; buffer[0][10] = data[54]; buffer[0][11] = data[55]; buffer[0][12] = data[62]; buffer[0][13] = data[63]; buffer[0][14] = data[64]; buffer[0][15] = data[65]; buffer[0][16] = data[66]; buffer[0][17] = data[67]; }
        if (partition == 27) { buffer[0][0] = data[40]; buffer[0][1] = data[41]; buffer[0][2] = data[42]; buffer[0][3] = data[43]; buffer[0][4] = data[44]; buffer[0][5] = data[45]; buffer[0][6] = data[52]; buffer[0][7] = data[53]; buffer[0][8] = data[54]; buffer[0][9] = data[55]; buffer[0][10] = data[56]; buffer[0][11] = data[57]; buffer[0][12] = data[64]; buffer[0][13] = data[65]; buffer[0][14] = data[66]; buffer[0][15] = data[67]; buffer[0][16] = data[68]; buffer[0][17] = data[69]; }
        if (partition == 28) { buffer[0][0] = data[42]; buffer[0][1] = data[43]; buffer[0][2] = data[44]; buffer[0][3] = data[45]; buffer[0][4] = data[46]; buffer[0][5] = data[47]; buffer[0][6] = data[54]; buffer[0][7] = data[55]; buffer[0][8] = data[56]; buffer[0][9] = data[57]; buffer[0][10] = data[58]; buffer[0][11] = data[59]; buffer[0][12] = data[66]; buffer[0][13] = data[67]; buffer[0][14] = data[68]; buffer[0][15] = data[69]; buffer[0][16] = data[70]; buffer[0][17] = data[71]; }
        if (partition == 29) { buffer[0][0] = data[44]; buffer[0][1] = data[45]; buffer[0][2] = data[46]; buffer[0][3] = data[47]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[56]; buffer[0][7] = data[57]; buffer[0][8] = data[58]; buffer[0][9] = data[59]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = data[68]; buffer[0][13] = data[69]; buffer[0][14] = data[70]; buffer[0][15] = data[71]; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 30) { buffer[0][0] = 0; buffer[0][1] = 0; buffer[0][2] = data[48]; buffer[0][3] = data[49]; buffer[0][4] = data[50]; buffer[0][5] = data[51]; buffer[0][6] = 0; buffer[0][7] = 0; buffer[0][8] = data[60]; buffer[0][9] = data[61]; buffer[0][10] = data[62]; buffer[0][11] = data[63]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 31) { buffer[0][0] = data[48]; buffer[0][1] = data[49]; buffer[0][2] = data[50]; buffer[0][3] = data[51]; buffer[0][4] = data[52]; buffer[0][5] = data[53]; buffer[0][6] = data[60]; buffer[0][7] = data[61]; buffer[0][8] = data[62]; buffer[0][9] = data[63]; buffer[0][10] = data[64]; buffer[0][11] = data[65]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 32) { buffer[0][0] = data[50]; buffer[0][1] = data[51]; buffer[0][2] = data[52]; buffer[0][3] = data[53]; buffer[0][4] = data[54]; buffer[0][5] = data[55]; buffer[0][6] = data[62]; buffer[0][7] = data[63]; buffer[0][8] = data[64]; buffer[0][9] = data[65]; buffer[0][10] = data[66]; buffer[0][11] = data[67]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 33) { buffer[0][0] = data[52]; buffer[0][1] = data[53]; buffer[0][2] = data[54]; buffer[0][3] = data[55]; buffer[0][4] = data[56]; buffer[0][5] = data[57]; buffer[0][6] = data[64]; buffer[0][7] = data[65]; buffer[0][8] = data[66]; buffer[0][9] = data[67]; buffer[0][10] = data[68]; buffer[0][11] = data[69]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 34) { buffer[0][0] = data[54]; buffer[0][1] = data[55]; buffer[0][2] = data[56]; buffer[0][3] = data[57]; buffer[0][4] = data[58]; buffer[0][5] = data[59]; buffer[0][6] = data[66]; buffer[0][7] = data[67]; buffer[0][8] = data[68]; buffer[0][9] = data[69]; buffer[0][10] = data[70]; buffer[0][11] = data[71]; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
        if (partition == 35) { buffer[0][0] = data[56]; buffer[0][1] = data[57]; buffer[0][2] = data[58]; buffer[0][3] = data[59]; buffer[0][4] = 0; buffer[0][5] = 0; buffer[0][6] = data[68]; buffer[0][7] = data[69]; buffer[0][8] = data[70]; buffer[0][9] = data[71]; buffer[0][10] = 0; buffer[0][11] = 0; buffer[0][12] = 0; buffer[0][13] = 0; buffer[0][14] = 0; buffer[0][15] = 0; buffer[0][16] = 0; buffer[0][17] = 0; }
    }
};
}  // namespace nnet

namespace nnet {
template<class data_T, typename CONFIG_T>
class fill_buffer_6 : public nnet::FillConv2DBuffer<data_T, CONFIG_T> {
  public:
    static void fill_buffer(
        data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
        data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
        const unsigned partition) {
        if (partition == 0) { buffer[0][0] = data[0]; buffer[0][1] = data[1]; buffer[0][2] = data[2]; buffer[0][3] = data[3]; buffer[0][4] = data[4]; buffer[0][5] = data[5]; buffer[0][6] = data[6]; buffer[0][7] = data[7]; buffer[0][8] = data[12]; buffer[0][9] = data[13]; buffer[0][10] = data[14]; buffer[0][11] = data[15]; buffer[0][12] = data[16]; buffer[0][13] = data[17]; buffer[0][14] = data[18]; buffer[0][15] = data[19]; }
        if (partition == 1) { buffer[0][0] = data[4]; buffer[0][1] = data[5]; buffer[0][2] = data[6]; buffer[0][3] = data[7]; buffer[0][4] = data[8]; buffer[0][5] = data[9]; buffer[0][6] = data[10]; buffer[0][7] = data[11]; buffer[0][8] = data[16]; buffer[0][9] = data[17]; buffer[0][10] = data[18]; buffer[0][11] = data[19]; buffer[0][12] = data[20]; buffer[0][13] = data[21]; buffer[0][14] = data[22]; buffer[0][15] = data[23]; }
        if (partition == 2) { buffer[0][0] = data[12]; buffer[0][1] = data[13]; buffer[0][2] = data[14]; buffer[0][3] = data[15]; buffer[0][4] = data[16]; buffer[0][5] = data[17]; buffer[0][6] = data[18]; buffer[0][7] = data[19]; buffer[0][8] = data[24]; buffer[0][9] = data[25]; buffer[0][10] = data[26]; buffer[0][11] = data[27]; buffer[0][12] = data[28]; buffer[0][13] = data[29]; buffer[0][14] = data[30]; buffer[0][15] = data[31]; }
        if (partition == 3) { buffer[0][0] = data[16]; buffer[0][1] = data[17]; buffer[0][2] = data[18]; buffer[0][3] = data[19]; buffer[0][4] = data[20]; buffer[0][5] = data[21]; buffer[0][6] = data[22]; buffer[0][7] = data[23]; buffer[0][8] = data[28]; buffer[0][9] = data[29]; buffer[0][10] = data[30]; buffer[0][11] = data[31]; buffer[0][12] = data[32]; buffer[0][13] = data[33]; buffer[0][14] = data[34]; buffer[0][15] = data[35]; }
    }
};
}  // namespace nnet

// hls-fpga-machine-learning insert layer-config
// conv1
struct config2_mult : nnet::dense_config {
    static const unsigned n_in = 18;
    static const unsigned n_out = 4;
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

struct config2 : nnet::conv2d_config {
    static const unsigned pad_top = 1;
    static const unsigned pad_bottom = 1;
    static const unsigned pad_left = 1;
    static const unsigned pad_right = 1;
    static const unsigned in_height = 6;
    static const unsigned in_width = 6;
    static const unsigned n_chan = 2;
    static const unsigned filt_height = 3;
    static const unsigned filt_width = 3;
    static const unsigned kernel_size = filt_height * filt_width;
    static const unsigned n_filt = 4;
    static const unsigned stride_height = 1;
    static const unsigned stride_width = 1;
    static const unsigned out_height = 6;
    static const unsigned out_width = 6;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 0;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::latency;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_height = 6;
    static const unsigned min_width = 6;
    static const ap_uint<filt_height * filt_width> pixels[min_height * min_width];
    static const unsigned n_partitions = 36;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_2<data_T, CONFIG_T>;
    typedef conv1_accum_t accum_t;
    typedef conv1_bias_t bias_t;
    typedef conv1_weight_t weight_t;
    typedef config2_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_height = nnet::scale_index_unscaled<K, S, W>;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_width = nnet::scale_index_unscaled<K, S, W>;
};
const ap_uint<config2::filt_height * config2::filt_width> config2::pixels[] = {0};

// conv1_bn
struct config3 : nnet::batchnorm_config {
    static const unsigned n_in = 144;
    static const unsigned n_filt = 4;
    static const unsigned n_scale_bias = (n_filt == -1) ? n_in : n_filt;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);
    static const bool store_weights_in_bram = false;
    typedef conv1_bn_bias_t bias_t;
    typedef conv1_bn_scale_t scale_t;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

// conv1_relu
struct relu_config4 : nnet::activ_config {
    static const unsigned n_in = 144;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef conv1_relu_table_t table_t;
};

// pool1
struct config5 : nnet::pooling2d_config {
    static const unsigned in_height = 6;
    static const unsigned in_width = 6;
    static const unsigned n_filt = 4;
    static const unsigned stride_height = 2;
    static const unsigned stride_width = 2;
    static const unsigned pool_height = 2;
    static const unsigned pool_width = 2;

    static const unsigned filt_height = pool_height;
    static const unsigned filt_width = pool_width;
    static const unsigned n_chan = n_filt;

    static const unsigned out_height = 3;
    static const unsigned out_width = 3;
    static const unsigned pad_top = 0;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const bool count_pad = false;
    static const nnet::Pool_Op pool_op = nnet::Max;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned reuse_factor = 1;
    typedef pool1_accum_t accum_t;
};

// conv2
struct config6_mult : nnet::dense_config {
    static const unsigned n_in = 16;
    static const unsigned n_out = 3;
    static const unsigned reuse_factor = 16;
    static const unsigned strategy = nnet::resource;
    static const unsigned n_zeros = 2;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    typedef conv2_accum_t accum_t;
    typedef conv2_bias_t bias_t;
    typedef conv2_weight_t weight_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseResource_rf_leq_nin<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};

struct config6 : nnet::conv2d_config {
    static const unsigned pad_top = 0;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const unsigned in_height = 3;
    static const unsigned in_width = 3;
    static const unsigned n_chan = 4;
    static const unsigned filt_height = 2;
    static const unsigned filt_width = 2;
    static const unsigned kernel_size = filt_height * filt_width;
    static const unsigned n_filt = 3;
    static const unsigned stride_height = 1;
    static const unsigned stride_width = 1;
    static const unsigned out_height = 2;
    static const unsigned out_width = 2;
    static const unsigned reuse_factor = 16;
    static const unsigned n_zeros = 2;
    static const unsigned multiplier_limit =
        DIV_ROUNDUP(kernel_size * n_chan * n_filt, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    static const unsigned strategy = nnet::resource;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned min_height = 3;
    static const unsigned min_width = 3;
    static const ap_uint<filt_height * filt_width> pixels[min_height * min_width];
    static const unsigned n_partitions = 4;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    template<class data_T, class CONFIG_T>
    using fill_buffer = nnet::fill_buffer_6<data_T, CONFIG_T>;
    typedef conv2_accum_t accum_t;
    typedef conv2_bias_t bias_t;
    typedef conv2_weight_t weight_t;
    typedef config6_mult mult_config;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_height = nnet::scale_index_unscaled<K, S, W>;
    template<unsigned K, unsigned S, unsigned W>
    using scale_index_width = nnet::scale_index_unscaled<K, S, W>;
};
const ap_uint<config6::filt_height * config6::filt_width> config6::pixels[] = {0};

// conv2_leaky
struct leaky_relu_config7 : nnet::activ_config {
    static const unsigned n_in = 12;
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef conv2_leaky_table_t table_t;
    typedef conv2_leaky_param_t param_t;
};

// pool2
struct config8 : nnet::pooling2d_config {
    static const unsigned in_height = 2;
    static const unsigned in_width = 2;
    static const unsigned n_filt = 3;
    static const unsigned stride_height = 2;
    static const unsigned stride_width = 2;
    static const unsigned pool_height = 2;
    static const unsigned pool_width = 2;

    static const unsigned filt_height = pool_height;
    static const unsigned filt_width = pool_width;
    static const unsigned n_chan = n_filt;

    static const unsigned out_height = 1;
    static const unsigned out_width = 1;
    static const unsigned pad_top = 0;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 0;
    static const bool count_pad = false;
    static const nnet::Pool_Op pool_op = nnet::Average;
    static const nnet::conv_implementation implementation = nnet::conv_implementation::linebuffer;
    static const unsigned reuse_factor = 1;
    typedef pool2_accum_t accum_t;
};

// up
struct config9 : nnet::resize_config {
    static const unsigned height = 1;
    static const unsigned width = 1;
    static const unsigned n_chan = 3;
    static const unsigned new_height = 2;
    static const unsigned new_width = 2;
};

// pad
struct config10 : nnet::padding2d_config {
    static const unsigned in_height = 2;
    static const unsigned in_width = 2;
    static const unsigned n_chan = 3;
    static const unsigned out_height = 3;
    static const unsigned out_width = 3;
    static const unsigned pad_top = 1;
    static const unsigned pad_bottom = 0;
    static const unsigned pad_left = 0;
    static const unsigned pad_right = 1;
};

// fc
struct config11 : nnet::dense_config {
    static const unsigned n_in = 27;
    static const unsigned n_out = 5;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = 3;
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

// fc_softmax
struct softmax_config12 : nnet::activ_config {
    static const unsigned n_in = 5;
    static const unsigned n_slice = 5;
    static const unsigned n_outer = 1;
    static const unsigned n_inner = 1;
    static const unsigned parallelization_factor = -1;
    static const unsigned exp_table_size = 1024;
    static const unsigned inv_table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned axis = -1;
    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::stable;
    static constexpr float exp_scale = 1.0;
    typedef fc_softmax_exp_table_t exp_table_t;
    typedef fc_softmax_inv_table_t inv_table_t;
    typedef fc_softmax_accum_t accum_t;
    typedef fc_softmax_inv_inp_t inv_inp_t;
    typedef ap_ufixed<15,5,AP_RND,AP_SAT> inp_norm_t;
};


#endif
