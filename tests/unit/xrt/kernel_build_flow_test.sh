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
grep -qx "sp=jets_kernel_3.in:DDR\[2\]" "$work/u250/connectivity.cfg" || fail "DDR bank of CU 3"
grep -qx "slr=jets_kernel_2:SLR1" "$work/u250/connectivity.cfg" || fail "SLR of CU 2"
grep -qx "#define FPGAAS_KERNEL jets_kernel" "$work/u250/kernel_top.cpp" || fail "kernel name"
grep -qx "#define FPGAAS_TOP jets" "$work/u250/kernel_top.cpp" || fail "top (no rename when names differ)"
grep -qx "#define FPGAAS_INPUT_SIZE N_INPUT_1_1" "$work/u250/kernel_top.cpp" || fail "input size"
grep -qx "#define FPGAAS_OUTPUT_SIZE N_LAYER_4" "$work/u250/kernel_top.cpp" || fail "output size"

# Kernel named like the hls4ml top: the top is renamed inside the generated source.
"$build" --project "$work/prj" --platform u55c --compute-units 2 --out "$work/u55c" --dry-run >/dev/null || fail "u55c"
grep -qx "#define jets jets_network" "$work/u55c/kernel_top.cpp" || fail "rename"
grep -qx "sp=jets_2.out:HBM\[3\]" "$work/u55c/connectivity.cfg" || fail "HBM banks"

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

# Bad input: no top function.
rm "$work/prj/firmware/jets.h"
err=$("$build" --project "$work/prj" --dry-run 2>&1) && fail "project without a top accepted"
grep -q "no <top>.h declaring" <<<"$err" || fail "message: $err"
echo "PASS"
