#!/usr/bin/env bash
# kernels/build.sh without Vitis: the dry run prints the exact v++ / F1 commands and writes the
# generated wrapper source and connectivity file; a real run stops with a clear message.
# Usage: kernel_build_flow_test.sh <kernels/build.sh> <scratch dir>
set -uo pipefail
build=$1 work=$2
rm -rf "$work" && mkdir -p "$work/prj/firmware"
fail() { echo "FAIL: $*"; exit 1; }

# A minimal io_parallel project (the flow reads only the top function's declaration).
cat > "$work/prj/firmware/jets.h" <<'H'
#include "defines.h"
void jets(
    input_t input_1[N_INPUT_1_1],
    result_t layer5_out[N_LAYER_4]
);
H
echo '#include "jets.h"' > "$work/prj/firmware/jets.cpp"

out=$("$build" --project "$work/prj" --kernel jets_kernel --platform u250 --compute-units 3 \
      --out "$work/u250" --dry-run) || fail "u250 dry run exited $?"
grep -q -- "+ v++ -c -t hw --platform xilinx_u250_gen3x16_xdma_4_1_202210_1 -k jets_kernel" <<<"$out" || fail "no v++ -c in: $out"
grep -q -- "+ v++ -l -t hw --platform xilinx_u250_gen3x16_xdma_4_1_202210_1 --config $work/u250/connectivity.cfg" <<<"$out" || fail "no v++ -l in: $out"
grep -qx "nk=jets_kernel:3:jets_kernel_1.jets_kernel_2.jets_kernel_3" "$work/u250/connectivity.cfg" || fail "nk line"
grep -qx "sp=jets_kernel_3.input_1:DDR\[2\]" "$work/u250/connectivity.cfg" || fail "DDR bank of CU 3 input"
grep -qx "sp=jets_kernel_3.layer5_out:DDR\[2\]" "$work/u250/connectivity.cfg" || fail "DDR bank of CU 3 output"
grep -qx "slr=jets_kernel_2:SLR1" "$work/u250/connectivity.cfg" || fail "SLR of CU 2"
top=$work/u250/kernel_top.cpp
grep -qx 'extern "C" void jets_kernel(const fpgaas_input_1_t::value_t\* input_1, fpgaas_layer5_out_t::value_t\* layer5_out, unsigned batch_size) {' "$top" || fail "kernel signature in $(cat "$top")"
grep -qx "    jets(fpgaas_input_1_t::top(input_1), fpgaas_layer5_out_t::top(layer5_out));" "$top" || fail "top (no rename when names differ)"
grep -qx "typedef fpgaas_tensor<input_t, N_INPUT_1_1, false> fpgaas_input_1_t;" "$top" || fail "input size"
grep -qx "typedef fpgaas_tensor<result_t, N_LAYER_4, false> fpgaas_layer5_out_t;" "$top" || fail "output size"
grep -qx "#pragma HLS PIPELINE II = 1" "$top" || fail "io_parallel infer is pipelined over the batch"

# Kernel named like the hls4ml top: the top is renamed inside the generated source.
"$build" --project "$work/prj" --platform u55c --compute-units 2 --out "$work/u55c" --dry-run >/dev/null || fail "u55c"
grep -qx "#define jets jets_network" "$work/u55c/kernel_top.cpp" || fail "rename"
grep -qx "sp=jets_2.layer5_out:HBM\[3\]" "$work/u55c/connectivity.cfg" || fail "HBM banks"

for p in u50 u280; do
  "$build" --project "$work/prj" --platform $p --out "$work/$p" --dry-run >/dev/null || fail "$p dry run"
done

out=$("$build" --project "$work/prj" --platform aws-f1 --out "$work/f1" --dry-run) || fail "f1 dry run"
grep -q "xilinx_aws-vu9p-f1_shell-v04261818_201920_3" <<<"$out" || fail "F1 platform"
grep -q 'create_vitis_afi.sh -xclbin='"$work"'/f1/jets.xclbin' <<<"$out" || fail "no create_vitis_afi.sh: $out"
grep -q "awsxclbin" <<<"$out" || fail "no .awsxclbin step"

# Without Vitis: exit 2 and say so.
err=$(PATH=/usr/bin:/bin "$build" --project "$work/prj" --out "$work/real" 2>&1 >/dev/null)
rc=$?
[[ $rc == 2 ]] || fail "missing v++ should exit 2, got $rc"
grep -q "v++ not found" <<<"$err" || fail "message: $err"

# Two inputs, two outputs, and the size arguments of old hls4ml tops.
mkdir -p "$work/multi/firmware"
cat > "$work/multi/firmware/two.h" <<'H'
void two(input_t a[6], input2_t b[ N_B ], result_t y[3], result2_t z[4],
         unsigned short &const_size_in_1, unsigned short &const_size_out_1);
H
echo '#include "two.h"' > "$work/multi/firmware/two.cpp"
"$build" --project "$work/multi" --kernel two_k --platform u55c --out "$work/multi_out" --dry-run >/dev/null || fail "multi dry run"
top=$work/multi_out/kernel_top.cpp
grep -qx "typedef fpgaas_tensor<input2_t, N_B, false> fpgaas_b_t;" "$top" || fail "second input"
grep -qx 'extern "C" void two_k(const fpgaas_a_t::value_t\* a, const fpgaas_b_t::value_t\* b, fpgaas_y_t::value_t\* y, fpgaas_z_t::value_t\* z, unsigned batch_size) {' "$top" || fail "multi signature"
grep -qx "    two(fpgaas_a_t::top(a), fpgaas_b_t::top(b), fpgaas_y_t::top(y), fpgaas_z_t::top(z), const_size_in_1, const_size_out_1);" "$top" || fail "multi call: $(grep 'two(' "$top")"
grep -qx "sp=two_k_1.z:HBM\[3\]" "$work/multi_out/connectivity.cfg" || fail "one HBM channel per tensor"

# io_stream: the sample size comes from the model's config.pbtxt.
mkdir -p "$work/model/1/prj/firmware"
cat > "$work/model/1/prj/firmware/s.h" <<'H'
void s(hls::stream<input_t> &input_1, hls::stream<result_t> &layer9_out);
H
echo '#include "s.h"' > "$work/model/1/prj/firmware/s.cpp"
err=$("$build" --project "$work/model/1/prj" --out "$work/s_out" --dry-run 2>&1) && fail "stream sizes without a config accepted"
grep -q "stream argument 'input_1'.*config.pbtxt" <<<"$err" || fail "message: $err"
cat > "$work/model/config.pbtxt" <<'C'
input [ { name: "input_1" data_type: TYPE_FP32 dims: [ 8, 8, 3 ] } ]
output [
  { name: "layer9_out"
    data_type: TYPE_FP32 dims: [ 10 ] }
]
C
"$build" --project "$work/model/1/prj" --out "$work/s_out" --dry-run >/dev/null || fail "stream dry run"
grep -qx "typedef fpgaas_tensor<input_t, 8\*8\*3, true> fpgaas_input_1_t;" "$work/s_out/kernel_top.cpp" || fail "stream input size"
grep -qx "typedef fpgaas_tensor<result_t, 10, true> fpgaas_layer9_out_t;" "$work/s_out/kernel_top.cpp" || fail "stream output size"
grep -q "PIPELINE II = 1" "$work/s_out/kernel_top.cpp" && fail "io_stream infer must not be pipelined"

# Bad input: no top function; an argument that is no tensor; an output before an input.
echo 'void two(input_t a[6], float *weird, result_t y[3]);' > "$work/multi/firmware/two.h"
err=$("$build" --project "$work/multi" --dry-run 2>&1) && fail "pointer argument accepted"
grep -q "argument 'float \*weird' of two is neither an array, a stream nor a size" <<<"$err" || fail "message: $err"
echo 'void two(result_t y[3], input_t a[6]);' > "$work/multi/firmware/two.h"
err=$("$build" --project "$work/multi" --dry-run 2>&1) && fail "output before input accepted"
grep -q "input 'a' after an output" <<<"$err" || fail "message: $err"
rm "$work/prj/firmware/jets.h"
err=$("$build" --project "$work/prj" --dry-run 2>&1) && fail "project without a top accepted"
grep -q "no <top>.h declaring" <<<"$err" || fail "message: $err"
echo "PASS"
