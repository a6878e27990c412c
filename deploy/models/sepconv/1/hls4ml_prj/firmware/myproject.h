#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"

// Prototype of top level function for C-synthesis
void myproject(
    input_t input_1[16],
    input2_t input_2[32],
    input3_t input_3[4],
    layer26_t layer26_out[4],
    layer27_t layer27_out[5],
    layer28_t layer28_out[1]
);

#endif
