// fpgaas' HLS top-level kernel for an hls4ml project (io_parallel or io_stream, one or more
// input and output tensors).
//
//   extern "C" void <kernel>(const in0_t* in0, ..., out0_t* out0, ..., unsigned batch_size)
//
// One pointer per tensor, inputs then outputs in the hls4ml top function's argument order (the
// model's fpga.kernel_arguments: input, ..., output, ..., batch_size). Each holds batch_size
// samples batch-major with no padding (fpgaas' packed layout: each value in the smallest of
// 1/2/4/8 bytes). The pointers are AXI4 masters on bundles of their own (gmem0, gmem1, ... so the
// linker can put them on different banks); batch_size and the control are on the AXI4-Lite slave.
// The kernel body is one DATAFLOW region of processes joined by hls::stream FIFOs of whole
// samples, each looping over the batch: one reader per input (memory -> samples), infer (the
// hls4ml network once per sample) and one writer per output (results -> memory). For io_parallel
// projects infer is pipelined over the batch, so sample b+1 is read while sample b is inferred and
// sample b-1 written: the structure of hls4ml's VitisAccelerator wrapper. For io_stream projects
// infer feeds one sample's packs into the network's input streams and drains its output streams
// per sample. On the host (kernels/host/hls_stream.h, an unbounded FIFO) the processes run one
// after another over the whole batch, computing the same values.
//
// kernels/build.sh writes the per-model kernel_top.cpp around this header: it includes the
// project's <top>.cpp (renaming the top function when the kernel takes its name), declares one
// fpgaas_tensor per argument and writes the infer process and the kernel. This header holds what
// does not depend on the project.
#ifndef FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_
#define FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_

#include "hls_stream.h"

// One tensor of the top function: arg_T is the argument's element type (io_parallel: the array's
// type; io_stream: the stream's pack type, nnet::array<value, channels>), N its values per sample.
template <class arg_T, unsigned N, bool is_stream>
struct fpgaas_tensor;

template <class T, unsigned N>
struct fpgaas_tensor<T, N, false> {
  typedef T value_t;
  static const unsigned size = N;
  struct sample {
    T value[N];
  };
  struct arg {  // the top function's array
    T value[N];
  };
  static void load(const sample& s, arg& a) {
    for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
      a.value[i] = s.value[i];
    }
  }
  static sample store(const arg& a) {
    sample s;
    for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
      s.value[i] = a.value[i];
    }
    return s;
  }
  static T* top(arg& a) { return a.value; }
};

template <class pack_T, unsigned N>
struct fpgaas_tensor<pack_T, N, true> {
  typedef typename pack_T::value_type value_t;
  static const unsigned size = N;
  static_assert(N % pack_T::size == 0, "a sample must be a whole number of packs");
  struct sample {
    value_t value[N];
  };
  typedef hls::stream<pack_T> arg;  // the top function's stream
  static void load(const sample& s, arg& a) {
    for (unsigned p = 0; p < N / pack_T::size; ++p) {
      pack_T pack;
      for (unsigned c = 0; c < pack_T::size; ++c) {
#pragma HLS UNROLL
        pack[c] = s.value[p * pack_T::size + c];
      }
      a.write(pack);
    }
  }
  static sample store(arg& a) {
    sample s;
    for (unsigned p = 0; p < N / pack_T::size; ++p) {
      const pack_T pack = a.read();
      for (unsigned c = 0; c < pack_T::size; ++c) {
#pragma HLS UNROLL
        s.value[p * pack_T::size + c] = pack[c];
      }
    }
    return s;
  }
  static arg& top(arg& a) { return a; }
};

template <class tensor_T>
void fpgaas_read_batch(const typename tensor_T::value_t* in,
                       hls::stream<typename tensor_T::sample>& samples, unsigned batch_size) {
read_batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    typename tensor_T::sample sample;
  read_values:
    for (unsigned i = 0; i < tensor_T::size; ++i) {
#pragma HLS PIPELINE II = 1
      sample.value[i] = in[b * tensor_T::size + i];
    }
    samples.write(sample);
  }
}

template <class tensor_T>
void fpgaas_write_batch(hls::stream<typename tensor_T::sample>& results,
                        typename tensor_T::value_t* out, unsigned batch_size) {
write_batch:
  for (unsigned b = 0; b < batch_size; ++b) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 8192
    const typename tensor_T::sample result = results.read();
  write_values:
    for (unsigned j = 0; j < tensor_T::size; ++j) {
#pragma HLS PIPELINE II = 1
      out[b * tensor_T::size + j] = result.value[j];
    }
  }
}

#ifndef __SYNTHESIS__
// Host build only: what tests need to drive the kernel on raw packed buffers
// (kernel_top.cpp defines fpgaas_host_kernel and the tables below).
struct fpgaas_host_tensor {
  unsigned bytes;  // of one value in the packed layout
  unsigned size;   // values per sample
};
#endif

#endif  // FPGAAS_KERNELS_WRAPPER_FPGAAS_KERNEL_H_
