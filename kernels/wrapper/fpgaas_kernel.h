// fpgaas' HLS top-level kernel for an hls4ml (io_parallel) project.
//
//   extern "C" void FPGAAS_KERNEL(const input_t* in, result_t* out, unsigned batch_size)
//
// `in` holds batch_size samples of FPGAAS_INPUT_SIZE input_t values, batch-major with no padding
// (fpgaas' packed layout: each value in the smallest of 1/2/4/8 bytes); `out` receives
// FPGAAS_OUTPUT_SIZE result_t values per sample. The pointers are AXI4 masters on separate bundles
// (gmem0/gmem1, so the linker can put them on different banks); batch_size and the control are on
// the AXI4-Lite slave. Each sample runs read -> network -> write as a DATAFLOW region, so a
// sample's transfers overlap its neighbours' computation.
//
// Included by a per-model kernel_top.cpp that the build writes (kernels/build.sh, or the host build
// in CMake): it first includes the project's <top>.cpp (renaming the top function when the kernel
// takes its name) and defines
//   FPGAAS_KERNEL       the kernel name (config.pbtxt fpga.kernel_name), e.g. myproject
//   FPGAAS_TOP          the hls4ml top function to call, e.g. myproject or a renamed one
//   FPGAAS_INPUT_SIZE   values per input sample (the project's input array size macro)
//   FPGAAS_OUTPUT_SIZE  values per output sample
#ifndef FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_
#define FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_

#if !defined(FPGAAS_KERNEL) || !defined(FPGAAS_TOP) || !defined(FPGAAS_INPUT_SIZE) || \
    !defined(FPGAAS_OUTPUT_SIZE)
#error "define FPGAAS_KERNEL, FPGAAS_TOP, FPGAAS_INPUT_SIZE and FPGAAS_OUTPUT_SIZE first"
#endif

static void fpgaas_read_sample(const input_t* in, input_t sample[FPGAAS_INPUT_SIZE]) {
read_input:
  for (unsigned i = 0; i < FPGAAS_INPUT_SIZE; ++i) {
#pragma HLS PIPELINE II = 1
    sample[i] = in[i];
  }
}

static void fpgaas_write_sample(const result_t result[FPGAAS_OUTPUT_SIZE], result_t* out) {
write_output:
  for (unsigned j = 0; j < FPGAAS_OUTPUT_SIZE; ++j) {
#pragma HLS PIPELINE II = 1
    out[j] = result[j];
  }
}

static void fpgaas_run_sample(const input_t* in, result_t* out) {
#pragma HLS DATAFLOW
  input_t sample[FPGAAS_INPUT_SIZE];
  result_t result[FPGAAS_OUTPUT_SIZE];
#pragma HLS ARRAY_PARTITION variable = sample complete
#pragma HLS ARRAY_PARTITION variable = result complete
  fpgaas_read_sample(in, sample);
  FPGAAS_TOP(sample, result);
  fpgaas_write_sample(result, out);
}

extern "C" void FPGAAS_KERNEL(const input_t* in, result_t* out, unsigned batch_size) {
#pragma HLS INTERFACE m_axi port = in bundle = gmem0 offset = slave max_read_burst_length = 64
#pragma HLS INTERFACE m_axi port = out bundle = gmem1 offset = slave max_write_burst_length = 64
#pragma HLS INTERFACE s_axilite port = in bundle = control
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = batch_size bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control
batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    fpgaas_run_sample(in + b * FPGAAS_INPUT_SIZE, out + b * FPGAAS_OUTPUT_SIZE);
  }
}

#ifndef __SYNTHESIS__
// Host build only: the kernel on raw packed buffers, and the element sizes it assumes, for tests
// that compare it with fpgaas' emulator.
extern "C" void fpgaas_host_kernel(const void* in, void* out, unsigned batch_size) {
  FPGAAS_KERNEL(static_cast<const input_t*>(in), static_cast<result_t*>(out), batch_size);
}
extern "C" unsigned fpgaas_host_kernel_input_bytes() { return sizeof(input_t); }
extern "C" unsigned fpgaas_host_kernel_output_bytes() { return sizeof(result_t); }
extern "C" unsigned fpgaas_host_kernel_input_size() { return FPGAAS_INPUT_SIZE; }
extern "C" unsigned fpgaas_host_kernel_output_size() { return FPGAAS_OUTPUT_SIZE; }
#endif

#endif  // FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_
