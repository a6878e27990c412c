// fpgaas' HLS top-level kernel for an hls4ml (io_parallel) project.
//
//   extern "C" void FPGAAS_KERNEL(const input_t* in, result_t* out, unsigned batch_size)
//
// `in` holds batch_size samples of FPGAAS_INPUT_SIZE input_t values, batch-major with no padding
// (fpgaas' packed layout: each value in the smallest of 1/2/4/8 bytes); `out` receives
// FPGAAS_OUTPUT_SIZE result_t values per sample. The pointers are AXI4 masters on separate bundles
// (gmem0/gmem1, so the linker can put them on different banks); batch_size and the control are on
// the AXI4-Lite slave. The kernel body is one DATAFLOW region of three processes joined by
// hls::stream FIFOs of whole samples, each looping over the batch: read (memory -> samples), infer
// (the hls4ml network, pipelined over the batch) and write (results -> memory). So sample b+1 is
// read while sample b is inferred and sample b-1 written: the structure of hls4ml's
// VitisAccelerator wrapper. On the host (kernels/host/hls_stream.h, an unbounded FIFO) the three
// run one after another over the whole batch, computing the same values.
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

#include "hls_stream.h"

// One sample's values, moved through a FIFO as one wide word.
struct fpgaas_input_sample {
  input_t value[FPGAAS_INPUT_SIZE];
};
struct fpgaas_output_sample {
  result_t value[FPGAAS_OUTPUT_SIZE];
};

static void fpgaas_read_batch(const input_t* in, hls::stream<fpgaas_input_sample>& samples,
                              unsigned batch_size) {
read_batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    fpgaas_input_sample sample;
  read_values:
    for (unsigned i = 0; i < FPGAAS_INPUT_SIZE; ++i) {
#pragma HLS PIPELINE II = 1
      sample.value[i] = in[b * FPGAAS_INPUT_SIZE + i];
    }
    samples.write(sample);
  }
}

static void fpgaas_infer_batch(hls::stream<fpgaas_input_sample>& samples,
                               hls::stream<fpgaas_output_sample>& results, unsigned batch_size) {
infer_batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    input_t x[FPGAAS_INPUT_SIZE];
    result_t y[FPGAAS_OUTPUT_SIZE];
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = y complete
    const fpgaas_input_sample sample = samples.read();
    for (unsigned i = 0; i < FPGAAS_INPUT_SIZE; ++i) {
#pragma HLS UNROLL
      x[i] = sample.value[i];
    }
    FPGAAS_TOP(x, y);
    fpgaas_output_sample result;
    for (unsigned j = 0; j < FPGAAS_OUTPUT_SIZE; ++j) {
#pragma HLS UNROLL
      result.value[j] = y[j];
    }
    results.write(result);
  }
}

static void fpgaas_write_batch(hls::stream<fpgaas_output_sample>& results, result_t* out,
                               unsigned batch_size) {
write_batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    const fpgaas_output_sample result = results.read();
  write_values:
    for (unsigned j = 0; j < FPGAAS_OUTPUT_SIZE; ++j) {
#pragma HLS PIPELINE II = 1
      out[b * FPGAAS_OUTPUT_SIZE + j] = result.value[j];
    }
  }
}

extern "C" void FPGAAS_KERNEL(const input_t* in, result_t* out, unsigned batch_size) {
#pragma HLS INTERFACE m_axi port = in bundle = gmem0 offset = slave max_read_burst_length = 64
#pragma HLS INTERFACE m_axi port = out bundle = gmem1 offset = slave max_write_burst_length = 64
#pragma HLS INTERFACE s_axilite port = in bundle = control
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = batch_size bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control
#pragma HLS DATAFLOW
  hls::stream<fpgaas_input_sample> samples("samples");
  hls::stream<fpgaas_output_sample> results("results");
#pragma HLS STREAM variable = samples depth = 4
#pragma HLS STREAM variable = results depth = 4
  fpgaas_read_batch(in, samples, batch_size);
  fpgaas_infer_batch(samples, results, batch_size);
  fpgaas_write_batch(results, out, batch_size);
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
