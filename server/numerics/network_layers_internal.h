// Private to server/numerics: the layers beyond the dense family (convolution, pooling, padding,
// resize, merge, parametric activations) on raw int64 values. network.cc compiles them once
// (CompileExtraLayer); the graph executor calls RunBlock on blocks of samples and Run on single
// samples (Run is the exact reference every RunBlock must equal bit for bit).
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_LAYERS_INTERNAL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_LAYERS_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network.h"
#include "server/numerics/network_kernels_internal.h"

namespace fpgaas::numerics::internal {

struct LayerInput {
  FixedType type;
  int size = 0;
};

class ExtraLayer {
 public:
  virtual ~ExtraLayer() = default;
  // x[k]: raw values of input k (inputs[k].size of inputs[k].type); y: output_size() raws of the
  // layer's result type.
  virtual void Run(const int64_t* const* x, int64_t* y) const = 0;
  // `count` <= lanes samples held feature-major: x[k][i * lanes + b], y[j * lanes + b]. Lanes
  // past `count` hold raw values of their type (0 or computed from such) and the layer writes
  // raw values of its result type into them too. The default runs Run one sample at a time;
  // layers with a vectorized form override it (same bits as Run).
  virtual void RunBlock(const int64_t* const* x, int64_t* y, int count, int lanes) const;
  // Whether RunBlock's vectorized form takes blocks wider than kKernelBlock lanes (any multiple
  // of it), as layers of elementwise rows do; the graph executor then runs such networks in wide
  // blocks (fewer calls per sample).
  virtual bool RunsWideBlocks() const { return false; }
  int output_size() const { return n_out_; }
  int64_t macs() const { return macs_; }
  // The inputs' sizes (set by CompileExtraLayer; the default RunBlock gathers samples by them).
  void set_input_sizes(std::vector<int> sizes) { in_sizes_ = std::move(sizes); }

  // A layer that only moves the raws of its one input (padding, cropping, resize: its result type
  // holds every input raw unchanged): output value j is input value moved_rows()[j], or 0 where
  // that is -1. Empty for every other layer.
  const std::vector<int>& moved_rows() const { return moved_rows_; }
  // A concatenation whose output is its first input's values, then its second's, each raw
  // unchanged (the result type holds both input types' raws, nothing interleaved): with the
  // inputs placed back to back in the arena it has nothing to move (Network::Impl::PlanArena).
  bool concatenates_in_order() const { return concatenates_in_order_; }
  // This layer reading its input through such a move: a layer computing, from an input x of
  // `source_size` values, what this one computes from x'[j] = x[rows[j]] (0 where -1), without
  // materializing x'. nullptr when the layer has no such form (then the move runs as a layer).
  virtual std::unique_ptr<ExtraLayer> ReadingMovedRows(const std::vector<int>& rows,
                                                       int source_size) const {
    (void)rows;
    (void)source_size;
    return nullptr;
  }

  // Fusing a following relu into this layer's block form, as a fast dense layer fuses it into its
  // kernel's epilogue (the graph executor's FuseEpilogues). Set when RunBlock's results all come
  // out of a dense kernel with `epilogue`; int32_results: the kernel stores its results in int32
  // lanes (the fused results must fit int32).
  struct BlockEpilogue {
    DenseEpilogue epilogue;
    bool int32_results = false;
  };
  virtual std::optional<BlockEpilogue> block_epilogue() const { return std::nullopt; }
  // A copy of this layer whose block form ends with `e` (block_epilogue()'s, extended) instead.
  virtual std::unique_ptr<ExtraLayer> WithBlockEpilogue(const DenseEpilogue& e) const {
    (void)e;
    return nullptr;
  }

 protected:
  int n_out_ = 0;
  int64_t macs_ = 0;
  std::vector<int> in_sizes_;
  std::vector<int> moved_rows_;
  bool concatenates_in_order_ = false;
};

// nnet::sigmoid / nnet::tanh tables (init_sigmoid_table / init_tanh_table, raw table_type
// values) and the index they read for a raw x of type t (range 16 for sigmoid, 8 for tanh).
// Defined in network.cc; shared by the sigmoid/tanh layers and the recurrent layers.
std::vector<int64_t> ActivationTable(bool sigmoid, int table_size, const FixedType& table_type);
int ActivationTableIndex(const FixedType& t, int64_t raw, int table_size, int range);

// nnet::lstm_stack / gru_stack (network_recurrent.cc).
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileRecurrent(const LayerSpec& spec,
                                                             const RecurrentSpec& r,
                                                             const LayerInput& in);

// True for the ops CompileExtraLayer handles (everything but dense, batchnorm, softmax and the
// linear/relu/sigmoid/tanh activations).
bool IsExtraLayer(const LayerSpec& spec);

// Validates `spec` against its inputs and precomputes what does not depend on a sample.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExtraLayer(
    const LayerSpec& spec, const std::vector<LayerInput>& inputs);

// hls4ml's weight_exponential product (ExponentWeights in network.h) of x, a raw value of `in`,
// with (sign, exponent): the raw r_T value, in units of 2^-(product.width - product.integer_bits).
//   r_T y = static_cast<r_T>(x) << exponent;   (ap_fixed shift: keeps r_T's bits, floors right)
//   return sign == 1 ? y : static_cast<r_T>(-y);
// product is a signed ap_fixed (TRN/WRAP) of at most 126 bits.
class ExponentProduct {
 public:
  ExponentProduct(const FixedType& in, const FixedType& product)
      : in_(in), width_(product.width), frac_(product.width - product.integer_bits) {}

  Int128 operator()(int64_t x, int sign, int exponent) const {
    const int shift = frac_ - in_.fractional_bits();
    const Int128 v = WideRaw(in_, x);
    // static_cast<r_T>(x): TRN (floor) then WRAP.
    Int128 r = shift >= 0 ? (shift >= width_ ? 0 : Shl(v, shift))
                          : (-shift >= 127 ? (v < 0 ? -1 : 0) : v >> -shift);
    r = Wrap(r);
    if (exponent >= 0) {
      r = exponent >= width_ ? 0 : Wrap(Shl(r, exponent));
    } else {
      r = -exponent >= width_ ? (r < 0 ? -1 : 0) : r >> -exponent;
    }
    return sign == 1 ? r : Wrap(-r);
  }
  int fractional_bits() const { return frac_; }

 private:
  static Int128 Shl(Int128 v, int n) {  // modulo 2^128
    return static_cast<Int128>(static_cast<unsigned __int128>(v) << n);
  }
  // The low width_ bits of v, sign-extended.
  Int128 Wrap(Int128 v) const {
    const int drop = 128 - width_;
    return static_cast<Int128>(static_cast<unsigned __int128>(v) << drop) >> drop;
  }
  FixedType in_;
  int width_ = 0, frac_ = 0;
};

// network_quant_layers.cc: nnet::normalize with weight_exponential scales.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExponentBatchNorm(const LayerSpec& spec,
                                                                     const BatchNormSpec& b,
                                                                     const LayerInput& input);

// network_quant_layers.cc: nnet::dense with weight_exponential weights (exponent_weights set).
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileExponentDense(const LayerSpec& spec,
                                                                 const DenseSpec& d,
                                                                 const LayerInput& input);

// network_quant_layers.cc: nnet::dense with a DenseProduct other than kMult or a BinaryCast.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileBinaryDense(const LayerSpec& spec,
                                                               const DenseSpec& d,
                                                               const LayerInput& input);

// network_quant_layers.cc: normalize_binary_tanh / normalize_ternary_tanh thresholds.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileThresholdActivation(const LayerSpec& spec,
                                                                       const ActivationSpec& act,
                                                                       const LayerInput& input);

// Checks a layer's weight_exponential weights: `count` signs and exponents, signs 0 or 1, a signed
// product type of at most 112 bits (the exact path's Int128 holds it and a 64-bit bias beside it).
absl::Status ValidateExponentWeights(const LayerSpec& spec, const ExponentWeights& e, size_t count);

// nnet::dense_resource's summation order as (i, j) pairs (weight w of the transposed [n_out][n_in]
// layout: for ir < RF, for w = ir + RF * im), or nullopt when hls4ml has no dense_resource for
// this reuse factor (its _validate_reuse_factor). Defined in network.cc.
std::optional<std::vector<std::pair<int, int>>> DenseResourceOrder(int n_in, int n_out,
                                                                   int reuse_factor);

// network_activations.cc: softplus, softsign, elu, selu, binary_tanh, ternary_tanh.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTableActivation(const LayerSpec& spec,
                                                                   const ActivationSpec& act,
                                                                   const LayerInput& input);

// network_activations.cc: nnet::embedding.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileEmbedding(const LayerSpec& spec,
                                                             const EmbeddingSpec& e,
                                                             const LayerInput& input);

// network_layernorm.cc: nnet::layernormalize.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileLayerNorm(const LayerSpec& spec,
                                                             const LayerNormSpec& l,
                                                             const LayerInput& input);

// network_time_distributed.cc: TimeDistributed (the body compiled as a network of its own).
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTimeDistributed(const LayerSpec& spec,
                                                                   const TimeDistributedSpec& td,
                                                                   const LayerInput& input);

// network_quant_layers.cc: nnet::transpose.
absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTranspose(const LayerSpec& spec,
                                                             const TransposeSpec& t,
                                                             const LayerInput& input);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_LAYERS_INTERNAL_H_
