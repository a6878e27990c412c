#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"

// Prototype of top level function for C-synthesis
void myproject(
    hls::stream<input_t> &input_1,
    hls::stream<input2_t> &input_2,
    hls::stream<input3_t> &input_3,
    hls::stream<layer11_t> &layer11_out,
    hls::stream<layer26_t> &layer26_out,
    hls::stream<layer27_t> &layer27_out
);

#endif
