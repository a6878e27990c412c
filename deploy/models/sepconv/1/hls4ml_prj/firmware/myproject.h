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
    layer29_t layer29_out[4],
    layer30_t layer30_out[5],
    layer31_t layer31_out[1]
);

#endif
