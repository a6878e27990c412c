#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"

// Prototype of top level function for C-synthesis
void myproject(
    input_t input_a[6],
    input2_t input_b[6],
    result_t layer10_out[3],
    result2_t layer7_out[4]
);

#endif
