#!/usr/bin/env bash
# Builds an FPGA bitstream (xclbin, or an AWS F1 .awsxclbin) for an hls4ml project with fpgaas'
# kernel wrapper (kernels/wrapper/fpgaas_kernel.h). See kernels/README.md.
#
#   kernels/build.sh --project <hls4ml_prj> [--config config.pbtxt] [--kernel NAME] [--platform u250|u280|u50|u55c|aws-f1|<xpfm>]
#                    [--compute-units N] [--target hw|hw_emu] [--clock MHz] [--out DIR]
#                    [--s3-bucket B --s3-dcp-key K --s3-logs-key L]   (aws-f1 only)
#                    [--dry-run] [--top-only]
#
# --dry-run prints every command (and writes the generated sources and connectivity file) without
# running Vitis; --top-only writes only <out>/kernel_top.cpp (used by the host build in CMake).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project= config= kernel= platform=u250 compute_units=1 target=hw clock= out= dry_run=0 top_only=0
s3_bucket= s3_dcp_key=dcp s3_logs_key=logs

die() { echo "kernels/build.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --project) project=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --platform) platform=$2; shift 2 ;;
    --compute-units) compute_units=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --clock) clock=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --s3-bucket) s3_bucket=$2; shift 2 ;;
    --s3-dcp-key) s3_dcp_key=$2; shift 2 ;;
    --s3-logs-key) s3_logs_key=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --top-only) top_only=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[[ -n "$project" ]] || die "--project <hls4ml project folder> is required"
firmware=$project
[[ -d "$project/firmware" ]] && firmware=$project/firmware
[[ -d "$firmware" ]] || die "$project: no such folder"
firmware=$(cd "$firmware" && pwd)

# The hls4ml top function: <top>.cpp with a matching <top>.h declaring
#   void <top>(<inputs>, <outputs>[, unsigned short &const_size_in_1, ...])
# where each tensor is an array `T name[SIZE]` (io_parallel) or a stream `hls::stream<T> &name`
# (io_stream); inputs are the arguments whose type starts with "input" (hls4ml's input_t,
# input2_t, ...), outputs the others. A stream's values per sample come from the model's
# config.pbtxt (--config, default <project>/../../config.pbtxt): the tensor of the same name.
top= args=
for header in "$firmware"/*.h; do
  name=$(basename "$header" .h)
  [[ -f "$firmware/$name.cpp" ]] || continue
  decl=$(tr '\n' ' ' < "$header")
  if [[ "$decl" =~ void[[:space:]]+$name[[:space:]]*\(([^\)]*)\) ]]; then
    top=$name args=${BASH_REMATCH[1]}
    break
  fi
done
[[ -n "$top" ]] || die "$firmware: no <top>.h declaring void <top>(input_t x[N], ..., result_t y[M], ...) or void <top>(hls::stream<input_t> &x, ..., hls::stream<result_t> &y, ...) (an hls4ml project expected)"
[[ -n "$config" ]] || config=$project/../../config.pbtxt
config_text=
[[ -f "$config" ]] && config_text=$(tr '\n' ' ' < "$config")

# Per tensor: kind (array|stream), element type, name, values per sample; dummies: the size
# arguments of old hls4ml tops.
t_kind=() t_type=() t_name=() t_size=() t_input=() dummies=()
IFS=',' read -r -a parts <<<"$args"
for part in "${parts[@]}"; do
  part=$(sed -E 's/^[[:space:]]+|[[:space:]]+$//g' <<<"$part")
  if [[ "$part" =~ ^(const[[:space:]]+)?([A-Za-z_][A-Za-z0-9_:]*)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\[[[:space:]]*([^]]*[^][:space:]])[[:space:]]*\]$ ]]; then
    t_kind+=(array) t_type+=("${BASH_REMATCH[2]}") t_name+=("${BASH_REMATCH[3]}") t_size+=("${BASH_REMATCH[4]}")
  elif [[ "$part" =~ ^hls::stream[[:space:]]*\<[[:space:]]*([A-Za-z_][A-Za-z0-9_:]*)[[:space:]]*\>[[:space:]]*\&[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
    stype=${BASH_REMATCH[1]} sname=${BASH_REMATCH[2]}
    [[ "$config_text" =~ \{[^}]*name:[[:space:]]*\"$sname\"[^}]*dims:[[:space:]]*\[([^]]*)\] ]] ||
      die "$firmware/$top.h: stream argument '$sname': its values per sample come from the model's config.pbtxt, and ${config} has no tensor '$sname' with dims (pass --config <model>/config.pbtxt)"
    size=$(tr -d ' ' <<<"${BASH_REMATCH[1]}" | tr ',' '*')
    t_kind+=(stream) t_type+=("$stype") t_name+=("$sname") t_size+=("$size")
  elif [[ "$part" =~ ^unsigned[[:space:]]+short[[:space:]]*\&[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
    dummies+=("${BASH_REMATCH[1]}")
    continue
  else
    die "$firmware/$top.h: argument '$part' of $top is neither an array, a stream nor a size"
  fi
  [[ ${#dummies[@]} == 0 ]] || die "$firmware/$top.h: tensor argument '${t_name[-1]}' after a size argument"
  if [[ "${t_type[-1]}" == input* ]]; then t_input+=(1); else t_input+=(0); fi
done
n_tensors=${#t_name[@]}
n_inputs=0
for ((t = 0; t < n_tensors; t++)); do
  if [[ ${t_input[t]} == 1 ]]; then
    [[ $n_inputs == "$t" ]] || die "$firmware/$top.h: input '${t_name[t]}' after an output"
    n_inputs=$((n_inputs + 1))
  fi
done
(( n_inputs >= 1 && n_tensors > n_inputs )) || die "$firmware/$top.h: $top needs at least one input (type input*_t) and one output"
stream=0
[[ " ${t_kind[*]} " == *" stream "* ]] && stream=1
# The host build compiles against kernels/host's own nnet_utils: a project including a header it
# does not have is refused by name.
if [[ $top_only == 1 ]]; then
  missing=$(grep -ho '#include "nnet_utils/[A-Za-z0-9_]*\.h"' "$firmware"/*.h "$firmware"/*.cpp 2>/dev/null |
            sed 's/.*"nnet_utils\/\(.*\)"/\1/' | sort -u |
            while read -r h; do [[ -f "$here/host/nnet_utils/$h" ]] || echo "$h"; done | tr '\n' ' ')
  [[ -z "$missing" ]] || die "$firmware: the host build has no ${missing% } (kernels/host/nnet_utils: see kernels/README.md for its layers)"
fi
kernel=${kernel:-$top}
[[ "$kernel" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--kernel $kernel is not a C identifier"
[[ "$compute_units" =~ ^[1-9][0-9]*$ ]] || die "--compute-units must be a positive integer"
out=${out:-$PWD/build_$kernel}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# kernel_top.cpp: the project's top function (renamed when the kernel takes its name), one
# fpgaas_tensor per tensor, the infer process and the kernel (kernels/wrapper/fpgaas_kernel.h).
nn_top=$top
{
  echo "// Generated by kernels/build.sh for $firmware/$top.cpp: do not edit."
  if [[ "$kernel" == "$top" ]]; then
    nn_top=${top}_network
    echo "#define $top $nn_top"
    echo "#include \"$top.cpp\""
    echo "#undef $top"
  else
    echo "#include \"$top.cpp\""
  fi
  echo "#include \"fpgaas_kernel.h\""
  echo
  for ((t = 0; t < n_tensors; t++)); do
    is_stream=false; [[ ${t_kind[t]} == stream ]] && is_stream=true
    echo "typedef fpgaas_tensor<${t_type[t]}, ${t_size[t]}, $is_stream> fpgaas_${t_name[t]}_t;"
  done
  echo
  samples=()
  for ((t = 0; t < n_tensors; t++)); do
    samples+=("hls::stream<fpgaas_${t_name[t]}_t::sample>& ${t_name[t]}_samples")
  done
  echo "static void fpgaas_infer_batch($(IFS=,; sed 's/,/, /g' <<<"${samples[*]}"), unsigned batch_size) {"
  echo "infer_batch:"
  echo "  for (unsigned b = 0; b < batch_size; ++b) {"
  if [[ $stream == 0 ]]; then
    echo "#pragma HLS PIPELINE II = 1"
  fi
  echo "#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192"
  call=()
  for ((t = 0; t < n_tensors; t++)); do
    n=${t_name[t]}
    echo "    fpgaas_${n}_t::arg $n;"
    if [[ ${t_input[t]} == 1 ]]; then echo "    fpgaas_${n}_t::load(${n}_samples.read(), $n);"; fi
    call+=("fpgaas_${n}_t::top($n)")
  done
  for d in "${dummies[@]}"; do
    echo "    unsigned short $d = 0;"
    call+=("$d")
  done
  echo "    $nn_top($(IFS=,; sed 's/,/, /g' <<<"${call[*]}"));"
  for ((t = n_inputs; t < n_tensors; t++)); do
    echo "    ${t_name[t]}_samples.write(fpgaas_${t_name[t]}_t::store(${t_name[t]}));"
  done
  echo "  }"
  echo "}"
  echo
  params=()
  for ((t = 0; t < n_tensors; t++)); do
    if [[ ${t_input[t]} == 1 ]]; then c="const "; else c=""; fi
    params+=("${c}fpgaas_${t_name[t]}_t::value_t* ${t_name[t]}")
  done
  echo "extern \"C\" void $kernel($(IFS=,; sed 's/,/, /g' <<<"${params[*]}"), unsigned batch_size) {"
  for ((t = 0; t < n_tensors; t++)); do
    if [[ ${t_input[t]} == 1 ]]; then burst=max_read_burst_length; else burst=max_write_burst_length; fi
    echo "#pragma HLS INTERFACE m_axi port = ${t_name[t]} bundle = gmem$t offset = slave $burst = 64"
  done
  for ((t = 0; t < n_tensors; t++)); do
    echo "#pragma HLS INTERFACE s_axilite port = ${t_name[t]} bundle = control"
  done
  echo "#pragma HLS INTERFACE s_axilite port = batch_size bundle = control"
  echo "#pragma HLS INTERFACE s_axilite port = return bundle = control"
  echo "#pragma HLS DATAFLOW"
  fifos=()
  for ((t = 0; t < n_tensors; t++)); do
    echo "  hls::stream<fpgaas_${t_name[t]}_t::sample> ${t_name[t]}_samples(\"${t_name[t]}_samples\");"
    echo "#pragma HLS STREAM variable = ${t_name[t]}_samples depth = 4"
    fifos+=("${t_name[t]}_samples")
  done
  for ((t = 0; t < n_inputs; t++)); do
    echo "  fpgaas_read_batch<fpgaas_${t_name[t]}_t>(${t_name[t]}, ${t_name[t]}_samples, batch_size);"
  done
  echo "  fpgaas_infer_batch($(IFS=,; sed 's/,/, /g' <<<"${fifos[*]}"), batch_size);"
  for ((t = n_inputs; t < n_tensors; t++)); do
    echo "  fpgaas_write_batch<fpgaas_${t_name[t]}_t>(${t_name[t]}_samples, ${t_name[t]}, batch_size);"
  done
  echo "}"
  echo
  echo "#ifndef __SYNTHESIS__"
  echo "// Host build: the kernel on raw packed buffers (in[k]: input tensor k; out[k]: output k)."
  echo "extern \"C\" void fpgaas_host_kernel(const void* const* in, void* const* out, unsigned batch_size) {"
  casts=()
  for ((t = 0; t < n_tensors; t++)); do
    if [[ ${t_input[t]} == 1 ]]; then
      casts+=("static_cast<const fpgaas_${t_name[t]}_t::value_t*>(in[$t])")
    else
      casts+=("static_cast<fpgaas_${t_name[t]}_t::value_t*>(out[$((t - n_inputs))])")
    fi
  done
  echo "  $kernel($(IFS=,; sed 's/,/, /g' <<<"${casts[*]}"), batch_size);"
  echo "}"
  describe() {  # first last
    local entries=() t
    for ((t = $1; t < $2; t++)); do
      entries+=("{sizeof(fpgaas_${t_name[t]}_t::value_t), fpgaas_${t_name[t]}_t::size}")
    done
    (IFS=,; sed 's/},{/}, {/g' <<<"${entries[*]}")
  }
  echo "extern \"C\" const fpgaas_host_tensor fpgaas_host_kernel_inputs[] = {$(describe 0 "$n_inputs")};"
  echo "extern \"C\" const fpgaas_host_tensor fpgaas_host_kernel_outputs[] = {$(describe "$n_inputs" "$n_tensors")};"
  echo "extern \"C\" const unsigned fpgaas_host_kernel_input_count = $n_inputs;"
  echo "extern \"C\" const unsigned fpgaas_host_kernel_output_count = $((n_tensors - n_inputs));"
  echo "#endif"
} > "$out/kernel_top.cpp.new"
if ! cmp -s "$out/kernel_top.cpp.new" "$out/kernel_top.cpp" 2>/dev/null; then
  mv "$out/kernel_top.cpp.new" "$out/kernel_top.cpp"
else
  rm -f "$out/kernel_top.cpp.new"
fi
if [[ $top_only == 1 ]]; then
  echo "$out/kernel_top.cpp"
  exit 0
fi

# Platforms: the Vitis platform name, the memory each compute unit's two pointers go to, and the
# SLR count (CUs are spread over SLRs round-robin).
case "$platform" in
  u250) xpfm=xilinx_u250_gen3x16_xdma_4_1_202210_1 mem=DDR banks=4 slrs=4 ;;
  u280) xpfm=xilinx_u280_gen3x16_xdma_1_202211_1 mem=HBM banks=32 slrs=3 ;;
  u50) xpfm=xilinx_u50_gen3x16_xdma_5_202210_1 mem=HBM banks=32 slrs=2 ;;
  u55c) xpfm=xilinx_u55c_gen3x16_xdma_3_202210_1 mem=HBM banks=32 slrs=3 ;;
  aws-f1|f1) platform=aws-f1 xpfm=xilinx_aws-vu9p-f1_shell-v04261818_201920_3 mem=DDR banks=4 slrs=3 ;;
  *) xpfm=$platform mem=DDR banks=1 slrs=1 ;;  # a full platform name or .xpfm path
esac
[[ "$target" == hw || "$target" == hw_emu ]] || die "--target must be hw or hw_emu (sw_emu is not supported by fpgaas)"

# Connectivity: N compute units <kernel>_1..N; each CU's tensors on its own bank(s): DDR
# platforms put all of CU i's tensors on bank i mod banks, HBM platforms give each tensor its own
# pseudo-channel.
{
  echo "# Generated by kernels/build.sh: $compute_units compute unit(s) of $kernel on $platform."
  echo "[connectivity]"
  names=()
  for ((i = 1; i <= compute_units; i++)); do names+=("${kernel}_$i"); done
  (IFS=.; echo "nk=$kernel:$compute_units:${names[*]}")
  for ((i = 1; i <= compute_units; i++)); do
    for ((t = 0; t < n_tensors; t++)); do
      if [[ $mem == HBM ]]; then
        bank=$(( (n_tensors * (i - 1) + t) % banks ))
      else
        bank=$(( (i - 1) % banks ))
      fi
      echo "sp=${kernel}_$i.${t_name[t]}:$mem[$bank]"
    done
    if [[ $slrs -gt 1 ]]; then echo "slr=${kernel}_$i:SLR$(( (i - 1) % slrs ))"; fi
  done
} > "$out/connectivity.cfg"

wrapper_dir=$here/wrapper
clock_opt=()
[[ -n "$clock" ]] && clock_opt=(--kernel_frequency "$clock")
compile=(v++ -c -t "$target" --platform "$xpfm" -k "$kernel" -I "$firmware" -I "$wrapper_dir"
         "${clock_opt[@]}" --temp_dir "$out/_x" -o "$out/$kernel.xo" "$out/kernel_top.cpp")
link=(v++ -l -t "$target" --platform "$xpfm" --config "$out/connectivity.cfg" "${clock_opt[@]}"
      --temp_dir "$out/_x" -o "$out/$kernel.xclbin" "$out/$kernel.xo")
afi=()
if [[ $platform == aws-f1 ]]; then
  [[ $dry_run == 1 || -n "$s3_bucket" ]] || die "aws-f1 needs --s3-bucket (and --s3-dcp-key, --s3-logs-key) for create_vitis_afi.sh"
  afi=("\${AWS_FPGA_REPO_DIR}/Vitis/tools/create_vitis_afi.sh" "-xclbin=$out/$kernel.xclbin"
       "-o=$out/$kernel" "-s3_bucket=${s3_bucket:-<bucket>}" "-s3_dcp_key=$s3_dcp_key"
       "-s3_logs_key=$s3_logs_key")
fi

show() { printf '+'; printf ' %q' "$@"; printf '\n'; }
echo "kernel $kernel: hls4ml top $top (${t_name[@]:0:n_inputs} -> ${t_name[@]:n_inputs}), $compute_units CU(s), platform $platform ($xpfm), target $target"
echo "generated: $out/kernel_top.cpp $out/connectivity.cfg"
if [[ $dry_run == 1 ]]; then
  show "${compile[@]}"
  show "${link[@]}"
  if [[ ${#afi[@]} -gt 0 ]]; then
    echo "+ ${afi[*]}"
    echo "+ aws ec2 describe-fpga-images --fpga-image-ids \$(jq -r .FpgaImageId $out/*_afi_id.txt)   # wait for \"available\""
    echo "then: copy $out/$kernel.awsxclbin to <repo>/<model>/<version>/ and set the parameter fpga.awsxclbin in config.pbtxt"
  else
    echo "then: copy $out/$kernel.xclbin to <repo>/<model>/<version>/ and set the parameters fpga.xclbin and fpga.kernel_name = \"$kernel\" in config.pbtxt"
  fi
  exit 0
fi

command -v v++ >/dev/null 2>&1 || die "v++ not found: install Vitis and source <Vitis>/settings64.sh and /opt/xilinx/xrt/setup.sh (or run with --dry-run to print the commands)"
[[ -d "$firmware/nnet_utils" ]] || die "$firmware/nnet_utils is missing: synthesis needs the project's hls4ml nnet_utils and Xilinx's ap_types (regenerate the project with hls4ml)"
show "${compile[@]}"; "${compile[@]}"
show "${link[@]}"; "${link[@]}"
if [[ ${#afi[@]} -gt 0 ]]; then
  [[ -n "${AWS_FPGA_REPO_DIR:-}" ]] || die "AWS_FPGA_REPO_DIR is not set: clone aws-fpga and source vitis_setup.sh"
  afi[0]=$AWS_FPGA_REPO_DIR/Vitis/tools/create_vitis_afi.sh
  (cd "$out" && show "${afi[@]}" && "${afi[@]}")
  echo "AFI requested; wait until 'aws ec2 describe-fpga-images' shows it available, then serve $out/$kernel.awsxclbin"
fi
