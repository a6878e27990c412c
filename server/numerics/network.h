// Network: a bit-exact executor of an hls4ml io_parallel network (hls4ml's C simulation semantics).
//
// A Network is built from a NetworkSpec (usually by LoadHls4mlProject in hls4ml_project.h),
// validated once by Create, and is immutable afterwards: Run and Trace are const and thread-safe,
// so one Network is shared by every compute unit of an emulated device.
//
// Data layout (the DMA buffers of the serving core): a batch is `batch` samples, batch-major, each
// sample input_size() values of input_type() packed as in fixed_point.h (container_bytes() each,
// little-endian, sign-extended), no padding between samples. The output is the same with
// output_size() values of output_type().
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics {

// Dense (nnet::dense / dense_latency / dense_resource). Weights are held as raw values of
// weight_type in latency layout w[i * n_out + j] whatever the strategy (the importer transposes).
struct DenseSpec {
  int n_in = 0;
  int n_out = 0;
  FixedType weight_type, bias_type, accum_type;
  std::vector<int64_t> weights;  // raw weight_type values, n_in * n_out, w[i * n_out + j]
  std::vector<int64_t> biases;   // raw bias_type values, n_out
  bool resource_strategy =
      false;  // summation order of dense_resource (matters only under SAT accum)
  int reuse_factor = 1;
};

// nnet::normalize: y = result_t(x * scale + bias), intermediate exact; with
// product_in_result_type (hls4ml 0.5 - 0.7): y = result_t(result_t(x * scale) + bias).
struct BatchNormSpec {
  int n = 0;
  FixedType scale_type, bias_type;
  std::vector<int64_t> scale, bias;  // raw values
  bool product_in_result_type = false;
};

enum class ActivationKind { kLinear, kRelu, kSigmoid, kTanh };
struct ActivationSpec {
  ActivationKind kind = ActivationKind::kLinear;
  int n = 0;
  int table_size = 1024;        // sigmoid/tanh
  FixedType table_type{18, 8};  // sigmoid/tanh table_t
};

enum class SoftmaxImplementation { kStable, kLatency, kLegacy, kArgmax };
struct SoftmaxSpec {
  int n = 0;
  SoftmaxImplementation implementation = SoftmaxImplementation::kStable;
  int exp_table_size = 1024, inv_table_size = 1024;
  FixedType exp_table_type{18, 8, true, Quantization::kRnd, Overflow::kSat};
  FixedType inv_table_type{18, 8, true, Quantization::kRnd, Overflow::kSat};
  FixedType accum_type{18, 8};  // sum of exponentials (config's accum_t)
  // hls4ml >= 1.0 (config's inv_inp_t): the sum is converted to this type and its top bits address
  // the inverse table. Unset: the accum_t sum addresses it directly (older projects).
  std::optional<FixedType> inv_inp_type;
  FixedType inp_norm_type{17, 7, false};  // stable: ap_ufixed<W-1,I-1> of the input type by default
  bool hls4ml_0_8_1_stable = false;       // emulate 0.8.1's stable softmax differences (HLS4ML.md)
  // Stable/latency (config's exp_scale, newer hls4ml): the exp table's argument is the index's
  // value times exp_scale, in float.
  float exp_scale = 1.0f;
};

struct LayerSpec {
  std::string name;       // e.g. "layer2" / "fc1", as in the project (for traces and errors)
  FixedType result_type;  // the layer's output type (res_t / layerN_t)
  std::variant<DenseSpec, BatchNormSpec, ActivationSpec, SoftmaxSpec> op;
};

struct NetworkSpec {
  FixedType input_type;
  int input_size = 0;
  std::vector<LayerSpec> layers;  // in call order; each consumes the previous one's output
};

struct LayerTrace {
  std::string name;
  FixedType type;
  std::vector<int64_t> raw;    // the layer's outputs, raw values of `type`
  std::vector<double> values;  // the same as real numbers
};

class Network {
 public:
  // Validates sizes, types (every intermediate fits the executor) and table sizes.
  static absl::StatusOr<std::unique_ptr<Network>> Create(NetworkSpec spec);

  int input_size() const;
  int output_size() const;
  const FixedType& input_type() const;
  const FixedType& output_type() const;
  size_t input_bytes_per_sample() const { return input_size() * input_type().container_bytes(); }
  size_t output_bytes_per_sample() const { return output_size() * output_type().container_bytes(); }
  const NetworkSpec& spec() const;
  // Multiply-accumulates per sample (sum of n_in * n_out of dense layers), for benchmarks.
  int64_t macs_per_sample() const;

  // Runs `batch` samples from `in` (batch * input_bytes_per_sample()) into `out`
  // (batch * output_bytes_per_sample()). Thread-safe.
  void Run(const uint8_t* in, uint8_t* out, size_t batch) const;
  // Every layer's output for one packed sample (hls4ml's Trace). Thread-safe.
  std::vector<LayerTrace> Trace(const uint8_t* sample) const;

  ~Network();

 private:
  struct Impl;
  explicit Network(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fpgaas::numerics

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_H_
