#include "server/numerics/network.h"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layers_internal.h"
#include "server/numerics/network_softmax_kernel.h"
#include "server/util/cpu_dispatch.h"

namespace fpgaas::numerics {
namespace {

using internal::Int128;

// Samples processed together; activations of a block are stored feature-major (x[f * lanes + b])
// so every per-feature operation runs across the block's lanes (see network_kernels_internal.h).
constexpr int kBlock = internal::kKernelBlock;
// Graph networks whose every layer takes any multiple of kBlock lanes (Impl::wide_blocks) run
// large batches in blocks of kWideBlock: a layer's calls and setup serve twice the samples (4x
// measured slower on the branchy model: the block outgrew the L1 cache).
constexpr int kWideBlock = 2 * kBlock;
constexpr int kSampleLanes = 16;  // one-sample dense rows padded to whole AVX-512 int32 vectors
constexpr int kMaxTableSize = 1 << 20;
// Exact intermediates are held in 128-bit integers: every product/sum must fit this many bits.
constexpr int kMaxExactBits = 120;

// Every raw value of t is an int32_t (activations of such types may be held in int32 lanes).
bool FitsInt32(const FixedType& t) { return internal::MagnitudeBits(t) <= 31; }

bool IsPowerOfTwo(int n) { return n > 0 && (n & (n - 1)) == 0; }
int Log2(int n) {
  int k = 0;
  while ((1 << k) < n) ++k;
  return k;
}

absl::Status ValidateType(const FixedType& t, absl::string_view layer, absl::string_view what) {
  auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("layer \"", layer, "\": ", what, " ", t.ToString(), ": ", why));
  };
  if (t.width < 1 || t.width > 64) return error("width must be 1..64");
  if (std::abs(t.integer_bits) > 512) return error("integer bits must be within -512..512");
  if (t.saturation_bits < 0 || t.saturation_bits > t.width) return error("N must be 0..W");
  if (static_cast<int>(t.quantization) < 0 || static_cast<int>(t.quantization) > 6 ||
      static_cast<int>(t.overflow) < 0 || static_cast<int>(t.overflow) > 3) {
    return error("unknown quantization or overflow mode");
  }
  return absl::OkStatus();
}

absl::Status ValidateRaws(const std::vector<int64_t>& raws, const FixedType& t,
                          absl::string_view layer, absl::string_view what) {
  for (size_t k = 0; k < raws.size(); ++k) {
    if (internal::WrapToWidth(t, raws[k]) != raws[k]) {
      return absl::InvalidArgumentError(absl::StrCat("layer \"", layer, "\": ", what, "[", k,
                                                     "] = ", raws[k], " is not a raw value of ",
                                                     t.ToString()));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Exact scalar helpers (the general path).

// Exact value v * 2^-f as (Int128, f); aligns two such values to a common number of fractional
// bits. Callers have checked the bit budget.
Int128 Align(Int128 v, int from_f, int to_f) { return v << (to_f - from_f); }

// hls4ml: int data_round = x * N / D (ap_fixed arithmetic, then to_int: truncation toward zero,
// then the C++ int conversion keeps the low 32 bits).
int32_t TableIndexRound(const FixedType& t, int64_t raw, int n, int d) {
  Int128 num = internal::WideRaw(t, raw) * n;
  const int e = t.fractional_bits() + Log2(d);  // divide by 2^e
  Int128 q;
  if (e <= 0) {
    q = num << (-e);
  } else if (e >= 127) {
    q = 0;
  } else {
    q = num >= 0 ? (num >> e) : -((-num) >> e);
  }
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(q)));
}

int64_t FromDoubleOrZero(const FixedType& t, double x) {
  absl::StatusOr<int64_t> v = FromDouble(t, x);
  return v.ok() ? *v : 0;
}
}  // namespace

namespace internal {

int ActivationTableIndex(const FixedType& t, int64_t raw, int table_size, int range) {
  // index = data_round + (range/2) * N / range, clamped to [0, N-1]; range is 16 (sigmoid) or 8.
  const int32_t data_round = TableIndexRound(t, raw, table_size, range);
  const int64_t index = static_cast<int64_t>(data_round) + (range / 2) * table_size / range;
  return static_cast<int>(std::clamp<int64_t>(index, 0, table_size - 1));
}

std::vector<int64_t> ActivationTable(bool sigmoid, int n, const FixedType& table_type) {
  std::vector<int64_t> table(n);
  for (int k = 0; k < n; ++k) {
    if (sigmoid) {
      // nnet::init_sigmoid_table: float in_val; sigmoid_fcn_float computes in float/double and
      // returns float.
      const float in_val =
          static_cast<float>(2 * 8.0 * (k - static_cast<float>(n) / 2.0) / static_cast<float>(n));
      const float value = static_cast<float>(1.0 / (1 + std::exp(-in_val)));
      table[k] = FromDoubleOrZero(table_type, value);
    } else {
      // nnet::init_tanh_table: float in_val, ::tanh(double).
      const float in_val =
          static_cast<float>(2 * 4.0 * (k - static_cast<float>(n) / 2.0) / static_cast<float>(n));
      table[k] = FromDoubleOrZero(table_type, std::tanh(static_cast<double>(in_val)));
    }
  }
  return table;
}

}  // namespace internal

namespace {

// The value of a `t` whose top `bits` bits are `i` and the rest zero (softmax_real_val_from_idx).
float RealValFromIndex(const FixedType& t, unsigned i, int bits) {
  const int64_t raw = internal::WrapToWidth(t, static_cast<Int128>(i) << (t.width - bits));
  return static_cast<float>(ToDouble(t, raw));
}
// softmax_idx_from_real_val: the top `bits` bits of the W-bit pattern.
unsigned IndexFromRealVal(const FixedType& t, int64_t raw, int bits) {
  const uint64_t pattern =
      static_cast<uint64_t>(raw) & (t.width == 64 ? ~uint64_t{0} : (uint64_t{1} << t.width) - 1);
  return static_cast<unsigned>(pattern >> (t.width - bits));
}

// Op_add reduction tree of nnet::reduce: left half is the largest power of two below N.
int64_t ReduceAdd(const FixedType& t, const int64_t* x, int n) {
  if (n == 1) return x[0];
  if (n == 2)
    return internal::ApplyOverflow(t, internal::WideRaw(t, x[0]) + internal::WideRaw(t, x[1]));
  int left = 1;
  while (left * 2 <= n - 1) left *= 2;
  const int64_t a = ReduceAdd(t, x, left);
  const int64_t b = ReduceAdd(t, x + left, n - left);
  return internal::ApplyOverflow(t, internal::WideRaw(t, a) + internal::WideRaw(t, b));
}

// ---------------------------------------------------------------------------------------------

enum class OpKind { kDense, kBatchNorm, kLinear, kRelu, kSigmoid, kTanh, kSoftmax, kExtra };

struct CompiledLayer {
  const LayerSpec* spec = nullptr;
  OpKind kind = OpKind::kLinear;
  FixedType in_type, out_type;  // in_type: the first input's
  int n_in = 0, n_out = 0;      // n_in: the first input's
  // Graph: the buffers read (network inputs first, then one per layer) and the one written.
  std::vector<int> in_buffers;
  int out_buffer = 0;
  std::shared_ptr<const internal::ExtraLayer> extra;  // kExtra (network_layers.cc)
  // RunGraphBlock's form of a kExtra layer: `extra` over in_buffers, or `extra` reading through
  // the moves before it (ElideMoves) over their source; a move read that way is skipped there.
  std::shared_ptr<const internal::ExtraLayer> block_extra;
  std::vector<int> block_in_buffers;
  bool skip_in_block = false;
  // The buffer RunGraphBlock writes: out_buffer, or the last layer's fused into this one's
  // epilogue (FuseEpilogues).
  int block_out_buffer = 0;

  // Dense.
  std::vector<int64_t> bias_accum;                  // biases converted to accum_t
  std::vector<int64_t> weights_by_out;              // w[j * n_in + i] (raw weight_t)
  std::vector<std::pair<int, int>> resource_order;  // (i, j) in dense_resource summation order
  int product_shift = 0;  // F_in + F_w - F_acc: right shift taking a product into accum units
  internal::DenseKernelKind dense_kernel = internal::DenseKernelKind::kGeneral;
  std::vector<int32_t> weights32;        // fast kernels: w[j * n_in + i]
  std::vector<int32_t> weights32_by_in;  // one-sample kernel: w[i * sample_stride + j]
  int sample_stride = 0;                 // n_out rounded up to kSampleLanes (zero columns)
  std::vector<int32_t> bias32;
  internal::DenseProductQuant quant;
  // Fast-kernel epilogues: to the result type (when result_fast), the same with the following
  // batch norm and/or relu layers fused (fused_layers of them, 0 when none), and (kWrap32) the
  // identity on accum_t (otherwise; ConvertBlock follows).
  bool result_fast = false;
  int fused_layers = 0;
  internal::DenseEpilogue epilogue_result, epilogue_fused, epilogue_accum;
  internal::DensePlan plan;  // which kernel (network_kernels.cc's PlanDense) and its parameters
  std::optional<internal::BatchNormPlan> bn_plan;  // set when the batch norm runs vectorized
  std::vector<int64_t> table_res;  // sigmoid/tanh: the table converted to the result type
  std::optional<internal::FastConvert> relu_convert;  // relu: in_t -> res_t, when it has a recipe
  // Tables (sigmoid/tanh: table; softmax: exp/inv).
  std::vector<int64_t> table, exp_table, inv_table;
  FixedType inv_index_type;  // the type whose top bits address the inverse table
  // Softmax: the exp table already converted to the type the exponentials are summed in, and
  // (when every step has one) the integer recipes of the stable (>= 1.0) / latency steps:
  // inp_norm_t(max - x), the pairwise sum in accum_t, accum_t -> inv_inp_t, res_t(e * inv).
  std::vector<int64_t> exp_table_sum;
  bool softmax_fast = false;
  // Every exp_table_sum and inv_table entry fits int32: e * inv as one 32x32->64 multiply.
  bool softmax_products_32 = false;
  internal::FastConvert softmax_norm, softmax_add, softmax_inv_inp, softmax_out;
  // Those recipes as one explicit vector kernel (when this CPU has one of its instruction sets);
  // the plan's slice size and table pointers are filled at each call (SoftmaxKernelOf).
  internal::SoftmaxSlicesFn softmax_slices = nullptr;
  internal::SoftmaxKernelPlan softmax_kernel;
};

}  // namespace

struct Network::Impl {
  NetworkSpec spec;
  std::vector<CompiledLayer> layers;
  int max_width = 0;  // largest layer size (features)
  int64_t macs = 0;

  // Buffers of the graph: the network inputs, then every layer's output; outputs by buffer.
  struct Buffer {
    std::string name;
    FixedType type;
    int size = 0;
    size_t offset = 0;  // in a sample's arena
  };
  std::vector<Buffer> buffers;
  std::vector<TensorSpec> inputs;  // spec.inputs, or the single input_type/input_size
  std::vector<int> output_buffers;
  size_t arena_size = 0;
  // A chain of dense-family layers over one input to one output: runs on the block kernels
  // (RunBlock). Otherwise the graph executor runs one sample at a time (RunGraph).
  bool sequential = true;
  // A graph network whose layers all run blocks of kWideBlock lanes (PlanWideBlocks).
  bool wide_blocks = false;
  // Graph networks: network input k's place in RunGraphBlock's int32 arena (in values per lane),
  // or -1: an input whose raws fit int32 and that only int32-lane dense layers read is unpacked
  // there, in the kernels' kBlock-lane parts, instead of as int64 raws (PlanInt32Inputs).
  std::vector<int> input_offset32;
  size_t arena_size32 = 0;

  // Runs `count` <= lanes samples as one block of `lanes` lanes.
  void RunBlock(const uint8_t* in, uint8_t* out, int count, int lanes,
                std::vector<LayerTrace>* trace) const;
  // One sample at a time through the exact per-layer paths (the reference; traces).
  void RunGraph(const uint8_t* const* in, uint8_t* const* out, size_t batch,
                std::vector<LayerTrace>* trace) const;
  // `count` <= lanes samples of a graph network as one feature-major block (lanes kSmallBlock,
  // kKernelBlock, or kWideBlock with wide_blocks): dense layers on the fast kernels, extra layers
  // through their RunBlock.
  void RunGraphBlock(const uint8_t* const* in, uint8_t* const* out, int count, int lanes) const;
  // Graph networks: an extra layer that reads, alone, the output of a pure move (padding,
  // cropping, resize keeping the raws) reads the move's source instead when it has a form that
  // does (ExtraLayer::ReadingMovedRows); RunGraphBlock then skips the move. Moves compose.
  void ElideMoves();
  // Graph networks: a relu that alone reads a fast dense layer or an extra layer with a
  // BlockEpilogue (a convolution) joins that layer's kernel epilogue in RunGraphBlock, as in
  // FuseFollowing, and is skipped there. After ElideMoves. (Not a batch norm: the int32 kernels'
  // epilogue with one costs more than the batch norm's own pass; measured on deploy/models/cnn.)
  void FuseEpilogues();
  // Graph networks: the buffers' offsets in the arena, a buffer sharing memory with others whose
  // lifetimes (from the first layer writing it to the last reading it, in either executor) do
  // not overlap its own: a block's working set then stays in the core's caches. A layer's inputs
  // and outputs never share memory. After FuseEpilogues.
  void PlanArena();
  // Sets input_offset32 and arena_size32. After PlanArena.
  void PlanInt32Inputs();
  // Sets wide_blocks: every layer RunGraphBlock runs is an int32 fast dense layer (RunDenseFast
  // splits a wide block into kBlock-lane parts) or an extra layer that RunsWideBlocks. After
  // FuseEpilogues.
  void PlanWideBlocks();
  // x32_ready: the input already in int32 lanes (kBlock-lane parts in a wide block), or nullptr.
  void RunDenseFast(const CompiledLayer& l, const int64_t* x, const int32_t* x32_ready, int64_t* y,
                    int lanes) const;
  void RunLayer(const CompiledLayer& l, const int64_t* x, int64_t* y, int count, int lanes) const;
  void RunSoftmaxSample(const CompiledLayer& l, const int64_t* x, int64_t* y) const;
  void RunSoftmaxSlice(const CompiledLayer& l, const int64_t* x, int64_t* y, int n) const;
};

namespace {

absl::Status CompileDense(const DenseSpec& d, CompiledLayer& l) {
  const std::string& name = l.spec->name;
  for (auto [t, what] : {std::pair{&d.weight_type, "weight type"},
                         {&d.bias_type, "bias type"},
                         {&d.accum_type, "accum type"}}) {
    if (absl::Status s = ValidateType(*t, name, what); !s.ok()) return s;
  }
  if (d.n_in != l.n_in) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": dense n_in ", d.n_in,
                                                   " but its input has ", l.n_in, " values"));
  }
  if (d.n_out <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("layer \"", name, "\": dense n_out must be > 0"));
  }
  if (d.weights.size() != static_cast<size_t>(d.n_in) * d.n_out) {
    return absl::InvalidArgumentError(
        absl::StrCat("layer \"", name, "\": ", d.weights.size(),
                     " weights, expected n_in * n_out = ", static_cast<int64_t>(d.n_in) * d.n_out));
  }
  if (d.biases.size() != static_cast<size_t>(d.n_out)) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": ", d.biases.size(),
                                                   " biases, expected n_out = ", d.n_out));
  }
  if (absl::Status s = ValidateRaws(d.weights, d.weight_type, name, "weights"); !s.ok()) return s;
  if (absl::Status s = ValidateRaws(d.biases, d.bias_type, name, "biases"); !s.ok()) return s;
  if (l.in_type.width + d.weight_type.width > kMaxExactBits) {
    return absl::UnimplementedError(absl::StrCat("layer \"", name, "\": product of ",
                                                 l.in_type.ToString(), " and ",
                                                 d.weight_type.ToString(), " is too wide"));
  }
  if (d.resource_strategy) {
    std::optional<std::vector<std::pair<int, int>>> order =
        internal::DenseResourceOrder(d.n_in, d.n_out, d.reuse_factor);
    if (!order) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layer \"", name, "\": reuse factor ", d.reuse_factor,
          " is not valid for dense_resource with n_in ", d.n_in, " and n_out ", d.n_out));
    }
    l.resource_order = *std::move(order);
  }
  l.n_out = d.n_out;
  l.product_shift = l.in_type.fractional_bits() + d.weight_type.fractional_bits() -
                    d.accum_type.fractional_bits();
  l.bias_accum.resize(d.n_out);
  for (int j = 0; j < d.n_out; ++j)
    l.bias_accum[j] = Convert(d.bias_type, d.biases[j], d.accum_type);
  l.weights_by_out.resize(d.weights.size());
  for (int i = 0; i < d.n_in; ++i) {
    for (int j = 0; j < d.n_out; ++j) {
      l.weights_by_out[static_cast<size_t>(j) * d.n_in + i] =
          d.weights[static_cast<size_t>(i) * d.n_out + j];
    }
  }
  // The kernel choice (network_kernels.cc): under AP_WRAP the summation order cannot change the
  // result, so resource layers use the fast kernels too; the recorded order only matters to
  // saturating accumulators, which then take the general path.
  l.plan =
      internal::PlanDense(l.in_type, d.weight_type, d.accum_type, l.out_type, d.resource_strategy);
  internal::NarrowForWeights(l.in_type, d.weights, l.plan);
  internal::PlanDeferredSaturation(l.weights_by_out, d.n_in, d.n_out, l.plan);
  internal::PlanFmaProducts(l.in_type, l.weights_by_out, d.n_in, l.plan);
  l.dense_kernel = l.plan.kind;
  const FixedType& acc_t = d.accum_type;
  if (l.dense_kernel == internal::DenseKernelKind::kWrap32) {
    l.weights32.assign(l.weights_by_out.begin(), l.weights_by_out.end());
    l.sample_stride = (d.n_out + kSampleLanes - 1) / kSampleLanes * kSampleLanes;
    l.weights32_by_in.assign(static_cast<size_t>(d.n_in) * l.sample_stride, 0);
    for (int i = 0; i < d.n_in; ++i) {
      std::copy_n(d.weights.begin() + static_cast<size_t>(i) * d.n_out, d.n_out,
                  l.weights32_by_in.begin() + static_cast<size_t>(i) * l.sample_stride);
    }
    l.bias32.assign(l.bias_accum.begin(), l.bias_accum.end());
    l.quant = l.plan.wrap32;
    // accum_t -> accum_t is always the identity and fast (accum_t has at most 32 bits here).
    l.epilogue_accum.to_result = *internal::MakeFastConvert(acc_t, acc_t);
    if (FitsInt32(l.out_type)) {
      l.result_fast = true;
      l.epilogue_result.to_result = *l.plan.to_result;
    }
  } else if (l.dense_kernel == internal::DenseKernelKind::kFast32 ||
             l.dense_kernel == internal::DenseKernelKind::kFast64) {
    if (l.dense_kernel == internal::DenseKernelKind::kFast32) {
      l.weights32.assign(l.weights_by_out.begin(), l.weights_by_out.end());
      l.bias32.assign(l.bias_accum.begin(), l.bias_accum.end());
    }
    l.result_fast = true;
    l.epilogue_result.to_result = *l.plan.to_result;
  }
  return absl::OkStatus();
}

// Appends what a vectorized batch norm `bn` and then a relu `relu` (either may be null) compute
// to epilogue e: the same arithmetic per value (EpilogueTail) without a pass over the block per
// layer. Returns how many joined; a relu after a batch norm that could not join does not join
// either. int32_results: the kernel stores every result in int32 lanes. e then points into bn.
int AppendFollowing(internal::DenseEpilogue& e, bool int32_results, const CompiledLayer* bn,
                    const CompiledLayer* relu) {
  int fused = 0;
  if (bn != nullptr) {
    if (!bn->bn_plan || (int32_results && !FitsInt32(bn->out_type))) return 0;
    e.bn_scale = std::get<BatchNormSpec>(bn->spec->op).scale.data();
    e.bn_bias = bn->bn_plan->bias_aligned.data();
    e.bn_shift_left = bn->bn_plan->product_shift_left;
    e.bn_mul32 =
        FitsInt32(bn->in_type) && FitsInt32(std::get<BatchNormSpec>(bn->spec->op).scale_type);
    e.bn_result = bn->bn_plan->to_result;
    const std::vector<int64_t>& scale = std::get<BatchNormSpec>(bn->spec->op).scale;
    e.bn_sum_bits =
        internal::BatchNormSumBits(bn->in_type, scale.data(), scale.size(), *bn->bn_plan);
    ++fused;
  }
  if (relu != nullptr && (!int32_results || FitsInt32(relu->out_type))) {
    if (std::optional<internal::FastConvert> c =
            internal::MakeFastConvert(relu->in_type, relu->out_type)) {
      e.relu = true;
      e.relu_result = *c;
      ++fused;
    }
  }
  return fused;
}

// Fuses a batch norm and/or a relu that directly follow a fast dense layer of a sequential network
// (dense -> relu, dense -> batchnorm, dense -> batchnorm -> relu, each also with an identity
// linear after the dense layer) into the dense kernel's epilogue. Called once the layers are final
// (the epilogue points into the following layers).
void FuseFollowing(std::vector<CompiledLayer>& layers, size_t k) {
  CompiledLayer& dense = layers[k];
  if (dense.kind != OpKind::kDense || !dense.result_fast) return;
  size_t next = k + 1;
  // A linear activation that keeps every raw (hls4ml up to 1.0 writes nnet::linear after each
  // dense layer without an activation) is passed over: what follows it reads the same raws.
  int identities = 0;
  if (next < layers.size() && layers[next].kind == OpKind::kLinear) {
    const std::optional<internal::FastConvert> c =
        internal::MakeFastConvert(layers[next].in_type, layers[next].out_type);
    if (c && c->identity) {
      ++identities;
      ++next;
    }
  }
  const CompiledLayer* bn = nullptr;
  if (next < layers.size() && layers[next].kind == OpKind::kBatchNorm) bn = &layers[next++];
  const CompiledLayer* relu =
      next < layers.size() && layers[next].kind == OpKind::kRelu ? &layers[next] : nullptr;
  internal::DenseEpilogue e = dense.epilogue_result;
  // The int32-lane kernels store every fused result in int32.
  const int fused =
      AppendFollowing(e, dense.dense_kernel != internal::DenseKernelKind::kFast64, bn, relu);
  dense.fused_layers = fused > 0 ? identities + fused : 0;
  if (fused > 0) dense.epilogue_fused = e;
}

absl::Status CompileBatchNorm(const BatchNormSpec& b, CompiledLayer& l) {
  const std::string& name = l.spec->name;
  if (absl::Status s = ValidateType(b.scale_type, name, "scale type"); !s.ok()) return s;
  if (absl::Status s = ValidateType(b.bias_type, name, "bias type"); !s.ok()) return s;
  if (b.n != l.n_in || b.scale.size() != static_cast<size_t>(b.n) ||
      b.bias.size() != static_cast<size_t>(b.n)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "layer \"", name, "\": batchnorm n = ", b.n, " with ", b.scale.size(), " scales and ",
        b.bias.size(), " biases, but its input has ", l.n_in, " values"));
  }
  if (absl::Status s = ValidateRaws(b.scale, b.scale_type, name, "scale"); !s.ok()) return s;
  if (absl::Status s = ValidateRaws(b.bias, b.bias_type, name, "bias"); !s.ok()) return s;
  const int product_f = l.in_type.fractional_bits() + b.scale_type.fractional_bits();
  const int f = std::max(product_f, b.bias_type.fractional_bits());
  const int bits = std::max(l.in_type.width + b.scale_type.width + (f - product_f),
                            b.bias_type.width + (f - b.bias_type.fractional_bits())) +
                   1;
  const FixedType& res = l.spec->result_type;
  const int f_sum = std::max(res.fractional_bits(), b.bias_type.fractional_bits());
  const int sum_bits = std::max(res.width + (f_sum - res.fractional_bits()),
                                b.bias_type.width + (f_sum - b.bias_type.fractional_bits())) +
                       1;
  if (bits > kMaxExactBits || (b.product_in_result_type && sum_bits > kMaxExactBits)) {
    return absl::UnimplementedError(absl::StrCat(
        "layer \"", name, "\": batchnorm x * scale + bias needs ", std::max(bits, sum_bits),
        " bits exactly; at most ", kMaxExactBits, " are supported"));
  }
  l.n_out = l.n_in;
  l.bn_plan = internal::PlanBatchNorm(l.in_type, b.scale_type, b.bias_type, b.bias, res,
                                      b.product_in_result_type);
  return absl::OkStatus();
}

absl::Status CompileActivation(const ActivationSpec& a, CompiledLayer& l) {
  const std::string& name = l.spec->name;
  if (a.n != l.n_in) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": activation n = ", a.n,
                                                   " but its input has ", l.n_in, " values"));
  }
  l.n_out = l.n_in;
  switch (a.kind) {
    case ActivationKind::kLinear:
      l.kind = OpKind::kLinear;
      return absl::OkStatus();
    case ActivationKind::kRelu:
      l.kind = OpKind::kRelu;
      l.relu_convert = internal::MakeFastConvert(l.in_type, l.out_type);
      return absl::OkStatus();
    case ActivationKind::kSigmoid:
    case ActivationKind::kTanh:
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": unknown activation"));
  }
  if (absl::Status s = ValidateType(a.table_type, name, "table type"); !s.ok()) return s;
  // Any size works (index = trunc(x * N / range) + N / 2); softmax tables are addressed by bits
  // and must be powers of two.
  if (a.table_size < 2 || a.table_size > kMaxTableSize) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": table size ",
                                                   a.table_size, " must be in 2..", kMaxTableSize));
  }
  const int n = a.table_size;
  l.kind = a.kind == ActivationKind::kSigmoid ? OpKind::kSigmoid : OpKind::kTanh;
  l.table = internal::ActivationTable(a.kind == ActivationKind::kSigmoid, n, a.table_type);
  l.table_res.resize(n);
  for (int k = 0; k < n; ++k) l.table_res[k] = Convert(a.table_type, l.table[k], l.out_type);
  return absl::OkStatus();
}

// The pattern mask and shift of IndexFromRealVal(t, raw, bits) = (raw & mask) >> shift.
struct TableIndex {
  uint64_t mask;
  int shift;
};
TableIndex MakeTableIndex(const FixedType& t, int bits) {
  return {t.width == 64 ? ~uint64_t{0} : (uint64_t{1} << t.width) - 1, t.width - bits};
}

absl::Status CompileSoftmax(const SoftmaxSpec& s, CompiledLayer& l) {
  const std::string& name = l.spec->name;
  l.kind = OpKind::kSoftmax;
  if (s.n != l.n_in || s.n < 1) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": softmax n = ", s.n,
                                                   " but its input has ", l.n_in, " values"));
  }
  l.n_out = l.n_in;
  if (s.slice < 0 || (s.slice > 0 && s.n % s.slice != 0) || s.inner < 1 ||
      (s.inner > 1 && (s.slice == 0 || s.n % (int64_t{s.slice} * s.inner) != 0))) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": softmax slices of ",
                                                   s.slice, " values ", s.inner,
                                                   " apart do not divide its ", s.n, " values"));
  }
  for (auto [t, what] : {std::pair{&s.exp_table_type, "exp table type"},
                         {&s.inv_table_type, "inv table type"},
                         {&s.accum_type, "accum type"},
                         {&s.inp_norm_type, "inp_norm type"}}) {
    if (absl::Status st = ValidateType(*t, name, what); !st.ok()) return st;
  }
  if (s.inv_inp_type) {
    if (absl::Status st = ValidateType(*s.inv_inp_type, name, "inv_inp type"); !st.ok()) return st;
  }
  if (s.implementation == SoftmaxImplementation::kArgmax) return absl::OkStatus();
  for (auto [size, what] :
       {std::pair{s.exp_table_size, "exp table size"}, {s.inv_table_size, "inv table size"}}) {
    if (!IsPowerOfTwo(size) || size < 2 || size > kMaxTableSize) {
      return absl::InvalidArgumentError(absl::StrCat("layer \"", name, "\": softmax ", what, " ",
                                                     size, " must be a power of two in 2..",
                                                     kMaxTableSize));
    }
  }
  if (!std::isfinite(s.exp_scale)) {
    return absl::InvalidArgumentError(
        absl::StrCat("layer \"", name, "\": softmax exp_scale ", s.exp_scale, " is not finite"));
  }
  const int ne = s.exp_table_size, ni = s.inv_table_size;
  l.exp_table.resize(ne);
  l.inv_table.resize(ni);
  if (s.implementation == SoftmaxImplementation::kLegacy) {
    for (int k = 0; k < ne; ++k) {
      const float in_val =
          static_cast<float>(2 * 8.0 * (k - static_cast<float>(ne) / 2.0) / static_cast<float>(ne));
      l.exp_table[k] = FromDoubleOrZero(s.exp_table_type, std::exp(in_val));
    }
    for (int k = 0; k < ni; ++k) {
      const float in_val = static_cast<float>(64.0 * k / static_cast<float>(ni));
      l.inv_table[k] = in_val > 0.0 ? FromDoubleOrZero(s.inv_table_type, 1.0 / in_val) : 0;
    }
    return absl::OkStatus();
  }
  // Stable/latency: the exp table is addressed by the top bits of the normalized input (stable,
  // hls4ml >= 1.0: inp_norm_t(max - x), exp(-value)), of data_T (latency; and 0.8.1 stable whose
  // differences x - max are cast back to data_T).
  const bool stable_new =
      s.implementation == SoftmaxImplementation::kStable && !s.hls4ml_0_8_1_stable;
  const FixedType exp_index_type = stable_new ? s.inp_norm_type : l.in_type;
  const int exp_bits = Log2(ne), inv_bits = Log2(ni);
  if (exp_bits > exp_index_type.width) {
    return absl::InvalidArgumentError(absl::StrCat(
        "layer \"", name, "\": exp table size ", ne, " needs ", exp_bits, " address bits but ",
        exp_index_type.ToString(), " has only ", exp_index_type.width));
  }
  for (int k = 0; k < ne; ++k) {
    float x = RealValFromIndex(exp_index_type, k, exp_bits) * s.exp_scale;
    if (stable_new) x = -x;
    l.exp_table[k] = FromDoubleOrZero(s.exp_table_type, std::exp(x));
  }
  if (s.hls4ml_0_8_1_stable) {
    l.inv_index_type = s.exp_table_type;  // 0.8.1 sums in exp_table_t
  } else {
    l.inv_index_type = s.inv_inp_type ? *s.inv_inp_type : s.accum_type;
  }
  if (inv_bits > l.inv_index_type.width) {
    return absl::InvalidArgumentError(absl::StrCat(
        "layer \"", name, "\": inv table size ", ni, " needs ", inv_bits, " address bits but ",
        l.inv_index_type.ToString(), " has only ", l.inv_index_type.width));
  }
  for (int k = 0; k < ni; ++k) {
    float x = RealValFromIndex(l.inv_index_type, k, inv_bits);
    if (x == 0.0f && !s.hls4ml_0_8_1_stable) x = FLT_MIN;  // current hls4ml's safe_x
    l.inv_table[k] = FromDoubleOrZero(s.inv_table_type, 1 / x);
  }
  const FixedType& e_type = s.hls4ml_0_8_1_stable ? s.exp_table_type : s.accum_type;
  l.exp_table_sum.resize(ne);
  for (int k = 0; k < ne; ++k)
    l.exp_table_sum[k] = Convert(s.exp_table_type, l.exp_table[k], e_type);
  auto fits_int32 = [](int64_t v) { return v == static_cast<int32_t>(v); };
  l.softmax_products_32 = std::all_of(l.exp_table_sum.begin(), l.exp_table_sum.end(), fits_int32) &&
                          std::all_of(l.inv_table.begin(), l.inv_table.end(), fits_int32);
  if (!s.hls4ml_0_8_1_stable) {
    // Source types wide enough for each step's operand: max - x (>= 0, < 2^W), a + b, e * inv.
    const FixedType& in = l.in_type;
    const FixedType diff_type{in.width + 1, in.integer_bits + 1, true};
    const FixedType pair_sum_type{e_type.width + 1, e_type.integer_bits + 1, e_type.is_signed};
    const FixedType& inv_t = s.inv_table_type;
    const FixedType product_type{e_type.width + inv_t.width,
                                 e_type.integer_bits + inv_t.integer_bits,
                                 e_type.is_signed || inv_t.is_signed};
    std::optional<internal::FastConvert> norm =
        internal::MakeFastConvert(diff_type, s.inp_norm_type);
    std::optional<internal::FastConvert> add = internal::MakeFastConvert(pair_sum_type, e_type);
    std::optional<internal::FastConvert> inv_inp =
        s.inv_inp_type ? internal::MakeFastConvert(s.accum_type, *s.inv_inp_type)
                       : internal::MakeFastConvert(s.accum_type, s.accum_type);
    std::optional<internal::FastConvert> out = internal::MakeFastConvert(product_type, l.out_type);
    if (norm && add && inv_inp && out && in.width <= 61) {
      l.softmax_fast = true;
      l.softmax_norm = *norm;
      l.softmax_add = *add;
      l.softmax_inv_inp = *inv_inp;
      l.softmax_out = *out;
      l.softmax_slices = internal::KernelFor<internal::SoftmaxSlicesFn>(
          internal::BestKernelIsa(), internal::SoftmaxSlicesAvx512, internal::SoftmaxSlicesAvx2);
      internal::SoftmaxKernelPlan& p = l.softmax_kernel;
      p.stable = stable_new;
      p.norm = internal::VectorConvert::Of(*norm);
      p.add = internal::VectorConvert::Of(*add);
      p.inv_inp = internal::VectorConvert::Of(*inv_inp);
      p.out = internal::VectorConvert::Of(*out);
      const TableIndex exp_index = MakeTableIndex(exp_index_type, exp_bits);
      const TableIndex inv_index = MakeTableIndex(l.inv_index_type, inv_bits);
      p.exp_mask = exp_index.mask;
      p.exp_shift = exp_index.shift;
      p.inv_mask = inv_index.mask;
      p.inv_shift = inv_index.shift;
      p.products_32 = l.softmax_products_32;
    }
  }
  return absl::OkStatus();
}

// nnet::reduce's Op_add tree (as ReduceAdd) with each pairwise sum through `add`.
int64_t ReduceAddFast(const internal::FastConvert& add, const int64_t* x, int n) {
  if (n == 1) return x[0];
  if (n == 2) return internal::FastConvertOne(add, x[0] + x[1]);
  int left = 1;
  while (left * 2 <= n - 1) left *= 2;
  return internal::FastConvertOne(
      add, ReduceAddFast(add, x, left) + ReduceAddFast(add, x + left, n - left));
}

}  // namespace

namespace internal {
std::optional<std::vector<std::pair<int, int>>> DenseResourceOrder(int n_in_int, int n_out_int,
                                                                   int reuse_factor) {
  // hls4ml's _validate_reuse_factor: dense_resource only exists for these reuse factors.
  const int64_t n_in = n_in_int, n_out = n_out_int, rf = reuse_factor;
  bool valid = n_in > 0 && n_out > 0 && rf >= 1 && rf <= n_in * n_out;
  if (valid) {
    const int64_t multfactor = std::min(n_in, rf);
    const int64_t multiplier_limit = (n_in * n_out + multfactor - 1) / multfactor;
    valid = (multiplier_limit % n_out == 0 || rf >= n_in) && (rf % n_in == 0 || rf < n_in) &&
            (n_in * n_out) % rf == 0;
  }
  if (!valid) return std::nullopt;
  // dense_resource order: for ir < RF, for w = ir + RF * im < n_in * n_out, with the weight at w
  // of the transposed layout [n_out][n_in]: acc[w / n_in] += x[w % n_in] * w[...].
  std::vector<std::pair<int, int>> order;
  order.reserve(static_cast<size_t>(n_in * n_out));
  for (int64_t ir = 0; ir < rf; ++ir) {
    for (int64_t w = ir; w < n_in * n_out; w += rf) {
      order.emplace_back(static_cast<int>(w % n_in), static_cast<int>(w / n_in));
    }
  }
  return order;
}
}  // namespace internal

absl::StatusOr<std::unique_ptr<Network>> Network::Create(NetworkSpec spec) {
  auto impl = std::make_unique<Impl>();
  impl->spec = std::move(spec);
  const NetworkSpec& s = impl->spec;
  impl->inputs = s.inputs;
  if (impl->inputs.empty()) impl->inputs.push_back(TensorSpec{"input", s.input_type, s.input_size});
  absl::flat_hash_map<std::string, int> by_name;
  for (const TensorSpec& t : impl->inputs) {
    if (absl::Status st = ValidateType(t.type, t.name, "input type"); !st.ok()) return st;
    if (t.size <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("network input \"", t.name, "\" size must be > 0, got ", t.size));
    }
    if (!by_name.emplace(t.name, static_cast<int>(impl->buffers.size())).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two network inputs are named \"", t.name, "\""));
    }
    impl->buffers.push_back({t.name, t.type, t.size});
  }
  if (s.layers.empty()) return absl::InvalidArgumentError("network has no layers");
  impl->max_width = 0;
  for (const TensorSpec& t : impl->inputs) impl->max_width = std::max(impl->max_width, t.size);
  impl->sequential = impl->inputs.size() == 1;
  for (const LayerSpec& ls : s.layers) {
    CompiledLayer l;
    l.spec = &ls;
    l.out_type = ls.result_type;
    const int previous = static_cast<int>(impl->buffers.size()) - 1;
    if (ls.inputs.empty()) {
      l.in_buffers.push_back(impl->layers.empty() ? 0 : previous);
    } else {
      for (const std::string& name : ls.inputs) {
        auto it = by_name.find(name);
        if (it == by_name.end()) {
          return absl::InvalidArgumentError(
              absl::StrCat("layer \"", ls.name, "\" reads \"", name,
                           "\", which is neither a network input nor an earlier layer"));
        }
        l.in_buffers.push_back(it->second);
      }
    }
    if (l.in_buffers.size() != 1 || l.in_buffers[0] != (impl->layers.empty() ? 0 : previous)) {
      impl->sequential = false;
    }
    l.in_type = impl->buffers[l.in_buffers[0]].type;
    l.n_in = impl->buffers[l.in_buffers[0]].size;
    if (absl::Status st = ValidateType(ls.result_type, ls.name, "result type"); !st.ok()) return st;
    absl::Status st;
    if (internal::IsExtraLayer(ls)) {
      l.kind = OpKind::kExtra;
      impl->sequential = false;
      std::vector<internal::LayerInput> ins;
      for (int b : l.in_buffers) ins.push_back({impl->buffers[b].type, impl->buffers[b].size});
      absl::StatusOr<std::unique_ptr<internal::ExtraLayer>> extra =
          internal::CompileExtraLayer(ls, ins);
      if (!extra.ok()) return extra.status();
      l.extra = *std::move(extra);
      l.n_out = l.extra->output_size();
      impl->macs += l.extra->macs();
    } else if (l.in_buffers.size() != 1) {
      st = absl::InvalidArgumentError(absl::StrCat("layer \"", ls.name, "\" reads ",
                                                   l.in_buffers.size(), " inputs; it reads one"));
    } else if (const auto* d = std::get_if<DenseSpec>(&ls.op)) {
      l.kind = OpKind::kDense;
      st = CompileDense(*d, l);
      impl->macs += static_cast<int64_t>(d->n_in) * d->n_out;
    } else if (const auto* b = std::get_if<BatchNormSpec>(&ls.op)) {
      l.kind = OpKind::kBatchNorm;
      st = CompileBatchNorm(*b, l);
    } else if (const auto* a = std::get_if<ActivationSpec>(&ls.op)) {
      st = CompileActivation(*a, l);
    } else if (const auto* sm = std::get_if<SoftmaxSpec>(&ls.op)) {
      st = CompileSoftmax(*sm, l);
    }
    if (!st.ok()) return st;
    if (!by_name.emplace(ls.name, static_cast<int>(impl->buffers.size())).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer name \"", ls.name, "\" is used twice (or names an input)"));
    }
    l.out_buffer = static_cast<int>(impl->buffers.size());
    impl->buffers.push_back({ls.name, l.out_type, l.n_out});
    impl->max_width = std::max(impl->max_width, l.n_out);
    impl->layers.push_back(std::move(l));
  }
  if (s.outputs.empty()) {
    impl->output_buffers.push_back(impl->layers.back().out_buffer);
  } else {
    for (const std::string& name : s.outputs) {
      auto it = by_name.find(name);
      if (it == by_name.end() || it->second < static_cast<int>(impl->inputs.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat("network output \"", name, "\" is not a layer"));
      }
      impl->output_buffers.push_back(it->second);
    }
    if (impl->output_buffers.size() != 1 ||
        impl->output_buffers[0] != impl->layers.back().out_buffer) {
      impl->sequential = false;
    }
  }
  for (Impl::Buffer& b : impl->buffers) {
    b.offset = impl->arena_size;
    impl->arena_size += static_cast<size_t>(b.size);
  }
  if (impl->sequential) {
    for (size_t k = 0; k + 1 < impl->layers.size(); ++k) FuseFollowing(impl->layers, k);
  } else {
    impl->ElideMoves();
    impl->FuseEpilogues();
    impl->PlanArena();
    impl->PlanInt32Inputs();
    impl->PlanWideBlocks();
  }
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

Network::Network(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Network::~Network() = default;

int Network::num_inputs() const { return static_cast<int>(impl_->inputs.size()); }
int Network::num_outputs() const { return static_cast<int>(impl_->output_buffers.size()); }
const std::string& Network::input_name(int k) const { return impl_->inputs[k].name; }
const std::string& Network::output_name(int k) const {
  return impl_->buffers[impl_->output_buffers[k]].name;
}
int Network::input_size(int k) const { return impl_->inputs[k].size; }
int Network::output_size(int k) const { return impl_->buffers[impl_->output_buffers[k]].size; }
const FixedType& Network::input_type(int k) const { return impl_->inputs[k].type; }
const FixedType& Network::output_type(int k) const {
  return impl_->buffers[impl_->output_buffers[k]].type;
}
const NetworkSpec& Network::spec() const { return impl_->spec; }
int64_t Network::macs_per_sample() const { return impl_->macs; }

void Network::Impl::RunSoftmaxSample(const CompiledLayer& l, const int64_t* x, int64_t* y) const {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  const int slice = s.slice > 0 ? s.slice : l.n_in;
  if (s.inner == 1) {
    for (int off = 0; off < l.n_in; off += slice) RunSoftmaxSlice(l, x + off, y + off, slice);
    return;
  }
  std::vector<int64_t> in(slice), out(slice);
  for (int i = 0; i < l.n_in / (slice * s.inner); ++i) {
    for (int k = 0; k < s.inner; ++k) {
      const int64_t* xi = x + static_cast<size_t>(i) * slice * s.inner + k;
      int64_t* yi = y + static_cast<size_t>(i) * slice * s.inner + k;
      for (int j = 0; j < slice; ++j) in[j] = xi[static_cast<size_t>(j) * s.inner];
      RunSoftmaxSlice(l, in.data(), out.data(), slice);
      for (int j = 0; j < slice; ++j) yi[static_cast<size_t>(j) * s.inner] = out[j];
    }
  }
}

void Network::Impl::RunSoftmaxSlice(const CompiledLayer& l, const int64_t* x, int64_t* y,
                                    int n) const {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  const FixedType& in = l.in_type;
  const FixedType& res = l.out_type;
  if (s.implementation == SoftmaxImplementation::kArgmax) {
    int best = 0;
    for (int i = 1; i < n; ++i) {
      if (internal::WideRaw(in, x[i]) > internal::WideRaw(in, x[best])) best = i;
    }
    const int64_t zero = 0, one = FromDoubleOrZero(res, 1.0);
    for (int i = 0; i < n; ++i) y[i] = i == best ? one : zero;
    return;
  }
  if (s.implementation == SoftmaxImplementation::kLegacy) {
    const FixedType& table_t = s.exp_table_type;
    const int ne = s.exp_table_size, ni = s.inv_table_size;
    const int64_t one = FromDoubleOrZero(table_t, 1.0);
    for (int ii = 0; ii < n; ++ii) {
      int64_t acc = 0;
      for (int jj = 0; jj < n; ++jj) {
        int64_t e;
        if (ii == jj) {
          e = one;
        } else {
          const Int128 diff = internal::WideRaw(in, x[jj]) - internal::WideRaw(in, x[ii]);
          // TableIndexRound on the exact difference (computed inline: raw may need 65 bits).
          Int128 num = diff * ne;
          const int ex = in.fractional_bits() + 4;
          Int128 q;
          if (ex <= 0) {
            q = num << (-ex);
          } else if (ex >= 127) {
            q = 0;
          } else {
            q = num >= 0 ? (num >> ex) : -((-num) >> ex);
          }
          const int32_t data_round =
              static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(q)));
          const int64_t index =
              std::clamp<int64_t>(static_cast<int64_t>(data_round) + 8 * ne / 16, 0, ne - 1);
          e = l.exp_table[index];
        }
        acc = internal::ApplyOverflow(
            table_t, internal::WideRaw(table_t, acc) + internal::WideRaw(table_t, e));
      }
      const int32_t r = TableIndexRound(table_t, acc, ni, 64);
      const int64_t index = std::clamp<int64_t>(r, 0, ni - 1);
      y[ii] = Convert(s.inv_table_type, l.inv_table[index], res);
    }
    return;
  }
  const bool old = s.hls4ml_0_8_1_stable;
  const int exp_bits = Log2(s.exp_table_size), inv_bits = Log2(s.inv_table_size);
  int64_t e[4096];
  std::vector<int64_t> e_heap;
  int64_t* ev = e;
  if (n > 4096) {
    e_heap.resize(n);
    ev = e_heap.data();
  }
  const FixedType& e_type = old ? s.exp_table_type : s.accum_type;
  if (l.softmax_fast) {
    // The same steps as below in int64 (exact: MakeFastConvert accepted every one).
    if (s.implementation == SoftmaxImplementation::kStable) {
      int64_t max = x[0];
      for (int i = 1; i < n; ++i) max = std::max(max, x[i]);
      for (int i = 0; i < n; ++i) {
        const int64_t d = internal::FastConvertOne(l.softmax_norm, max - x[i]);
        ev[i] = l.exp_table_sum[IndexFromRealVal(s.inp_norm_type, d, exp_bits)];
      }
    } else {  // latency
      for (int i = 0; i < n; ++i) ev[i] = l.exp_table_sum[IndexFromRealVal(in, x[i], exp_bits)];
    }
    const int64_t sum =
        internal::FastConvertOne(l.softmax_inv_inp, ReduceAddFast(l.softmax_add, ev, n));
    const int64_t inv = l.inv_table[IndexFromRealVal(l.inv_index_type, sum, inv_bits)];
    for (int i = 0; i < n; ++i) y[i] = internal::FastConvertOne(l.softmax_out, ev[i] * inv);
    return;
  }
  if (s.implementation == SoftmaxImplementation::kStable) {
    // Op_max reduction: the maximum value.
    Int128 max = internal::WideRaw(in, x[0]);
    for (int i = 1; i < n; ++i) max = std::max(max, internal::WideRaw(in, x[i]));
    for (int i = 0; i < n; ++i) {
      unsigned index;
      if (old) {
        // ap_fixed<W, I, AP_RND, AP_SAT> d = x_i - x_max; then passed as data_T.
        FixedType d_type{in.width, in.integer_bits, true, Quantization::kRnd, Overflow::kSat};
        const Int128 diff = internal::WideRaw(in, x[i]) - max;  // F of the input
        const int64_t d = internal::QuantizeScaled(d_type, diff, 0);
        index = IndexFromRealVal(in, Convert(d_type, d, in), exp_bits);
      } else {
        const Int128 diff = max - internal::WideRaw(in, x[i]);
        const int64_t d = internal::QuantizeScaled(
            s.inp_norm_type, diff, s.inp_norm_type.fractional_bits() - in.fractional_bits());
        index = IndexFromRealVal(s.inp_norm_type, d, exp_bits);
      }
      ev[i] = l.exp_table_sum[index];
    }
  } else {  // latency
    for (int i = 0; i < n; ++i) {
      const unsigned index = IndexFromRealVal(in, x[i], exp_bits);
      ev[i] = l.exp_table_sum[index];
    }
  }
  int64_t sum = ReduceAdd(e_type, ev, n);
  if (!old && s.inv_inp_type) sum = Convert(s.accum_type, sum, *s.inv_inp_type);
  const int64_t inv = l.inv_table[IndexFromRealVal(l.inv_index_type, sum, inv_bits)];
  const int product_f = e_type.fractional_bits() + s.inv_table_type.fractional_bits();
  for (int i = 0; i < n; ++i) {
    const Int128 p = internal::WideRaw(e_type, ev[i]) * internal::WideRaw(s.inv_table_type, inv);
    y[i] = internal::QuantizeScaled(res, p, res.fractional_bits() - product_f);
  }
}

namespace {

// Per-thread block buffers, grown on demand and reused: Run allocates nothing once a thread has
// run a network at least as wide (the serving core calls Run from a few long-lived threads).
struct BlockScratch {
  // softmax_x / softmax_y: a sample (per-sample softmax), or a slice's rows (SoftmaxBlock);
  // softmax_lanes: one row of per-lane values (SoftmaxBlock).
  std::vector<int64_t> a64, b64, acc64, softmax_x, softmax_y, softmax_lanes;
  std::vector<int32_t> softmax_best;
  std::vector<int32_t> a32, b32;
  std::vector<uint32_t> sample_acc, table_index;

  template <typename T>
  static T* Sized(std::vector<T>& v, size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};

BlockScratch& ThreadScratch() {
  thread_local BlockScratch scratch;
  return scratch;
}

// Whether SoftmaxBlock computes layer l (otherwise each sample runs through RunSoftmaxSample).
bool HasSoftmaxBlock(const CompiledLayer& l) {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  return s.implementation == SoftmaxImplementation::kArgmax || l.softmax_fast;
}

// y[k] = table[x[k]'s index] for k < n (y may be x): the indices in one vectorized pass, then the
// loads. Index, load and store in one loop was front-end bound at about one value per cycle.
FPGAAS_NUMERICS_CLONES void LookupRows(const int64_t* table, TableIndex index, const int64_t* x,
                                       int64_t* y, size_t n, BlockScratch& scratch) {
  uint32_t* at = BlockScratch::Sized(scratch.table_index, n);
  for (size_t k = 0; k < n; ++k) {
    at[k] = static_cast<uint32_t>((static_cast<uint64_t>(x[k]) & index.mask) >> index.shift);
  }
#pragma GCC unroll 4
  for (size_t k = 0; k < n; ++k) y[k] = table[at[k]];
}

// ReduceAddFast lane by lane: rows [0, n) of e (`count` values each) summed in nnet::reduce's tree
// order, every pairwise sum through `add`, into row 0 of acc (rows [0, n) of acc are scratch).
// n == 1 leaves acc untouched: the sum is e's row 0 itself.
void ReduceRowsFast(const internal::FastConvert& add, const int64_t* e, int64_t* acc, int n,
                    int count) {
  if (n == 1) return;
  if (n == 2) {
    for (int b = 0; b < count; ++b) acc[b] = e[b] + e[count + b];
    internal::ConvertRaws(add, acc, acc, count);
    return;
  }
  int left = 1;
  while (left * 2 <= n - 1) left *= 2;
  // left >= 2 here, so the left half's sum is in acc; the right half's is in e when it is one row.
  const size_t right_row = static_cast<size_t>(left) * count;
  ReduceRowsFast(add, e, acc, left, count);
  ReduceRowsFast(add, e + right_row, acc + right_row, n - left, count);
  const int64_t* right = n - left == 1 ? e + right_row : acc + right_row;
  for (int b = 0; b < count; ++b) acc[b] += right[b];
  internal::ConvertRaws(add, acc, acc, count);
}

// a * b for values known to fit int32: a widening multiply (vpmuldq), not an emulated 64x64 one
// (the default and AVX-512F clones have no 64-bit vector multiply).
inline int64_t Mul32(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<int32_t>(a)) * static_cast<int32_t>(b);
}

// l's softmax kernel plan for slices of n values, with its tables.
internal::SoftmaxKernelPlan SoftmaxKernelOf(const CompiledLayer& l, int n) {
  internal::SoftmaxKernelPlan p = l.softmax_kernel;
  p.n = n;
  p.exp_table = l.exp_table_sum.data();
  p.inv_table = l.inv_table.data();
  return p;
}

// One softmax slice of every lane b < count: its n values are the rows x + j * row_step (lane b at
// [b]), written to the same rows of y. The steps of RunSoftmaxSlice (argmax; the int64 form of
// stable / latency) with each step a loop over the lanes; stable / latency lanes in whole groups
// of 8 on the layer's vector kernel when it has one.
FPGAAS_NUMERICS_CLONES void SoftmaxSliceBlock(const CompiledLayer& l, const int64_t* x, int64_t* y,
                                              size_t row_step, int n, int count,
                                              BlockScratch& scratch) {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  const FixedType& in = l.in_type;
  if (s.implementation == SoftmaxImplementation::kArgmax) {
    // The first maximum (as WideRaw compares: a 64-bit unsigned raw as uint64).
    const uint64_t flip = in.width == 64 && !in.is_signed ? uint64_t{1} << 63 : 0;
    int64_t* best = BlockScratch::Sized(scratch.softmax_lanes, count);
    int32_t* best_at = BlockScratch::Sized(scratch.softmax_best, count);
    for (int b = 0; b < count; ++b) {
      best[b] = static_cast<int64_t>(static_cast<uint64_t>(x[b]) ^ flip);
      best_at[b] = 0;
    }
    for (int j = 1; j < n; ++j) {
      const int64_t* xj = x + j * row_step;
      for (int b = 0; b < count; ++b) {
        const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(xj[b]) ^ flip);
        best_at[b] = v > best[b] ? j : best_at[b];
        best[b] = v > best[b] ? v : best[b];
      }
    }
    const int64_t one = FromDoubleOrZero(l.out_type, 1.0);
    for (int j = 0; j < n; ++j) {
      int64_t* yj = y + j * row_step;
      for (int b = 0; b < count; ++b) yj[b] = best_at[b] == j ? one : 0;
    }
    return;
  }
  if (const int vector_lanes = count / 8 * 8;
      l.softmax_slices != nullptr && vector_lanes > 0 &&
      l.softmax_slices(SoftmaxKernelOf(l, n), x, y, row_step, 0, 1, vector_lanes,
                       BlockScratch::Sized(scratch.softmax_x, 32 * static_cast<size_t>(n)))) {
    if (vector_lanes == count) return;
    x += vector_lanes;
    y += vector_lanes;
    count -= vector_lanes;
  }
  // Rows of `count` values: e (the exponentials, in the sum's type), acc (the sum tree, then the
  // products), and one row of per-lane values (the maximum, then the inverse).
  const size_t n_count = static_cast<size_t>(n) * count;
  int64_t* e = BlockScratch::Sized(scratch.softmax_x, n_count);
  int64_t* acc = BlockScratch::Sized(scratch.softmax_y, n_count);
  int64_t* lane = BlockScratch::Sized(scratch.softmax_lanes, count);
  const int64_t* exp_table = l.exp_table_sum.data();
  if (s.implementation == SoftmaxImplementation::kStable) {
    for (int b = 0; b < count; ++b) lane[b] = x[b];
    for (int j = 1; j < n; ++j) {
      const int64_t* xj = x + j * row_step;
      for (int b = 0; b < count; ++b) lane[b] = std::max(lane[b], xj[b]);
    }
    for (int j = 0; j < n; ++j) {
      const int64_t* xj = x + j * row_step;
      int64_t* ej = e + static_cast<size_t>(j) * count;
      for (int b = 0; b < count; ++b) ej[b] = lane[b] - xj[b];
    }
    internal::ConvertRaws(l.softmax_norm, e, e, n_count);  // inp_norm_t(max - x)
    const TableIndex index = MakeTableIndex(s.inp_norm_type, Log2(s.exp_table_size));
    LookupRows(exp_table, index, e, e, n_count, scratch);
  } else {  // latency
    const TableIndex index = MakeTableIndex(in, Log2(s.exp_table_size));
    for (int j = 0; j < n; ++j) {
      LookupRows(exp_table, index, x + j * row_step, e + static_cast<size_t>(j) * count, count,
                 scratch);
    }
  }
  ReduceRowsFast(l.softmax_add, e, acc, n, count);
  internal::ConvertRaws(l.softmax_inv_inp, n == 1 ? e : acc, lane, count);
  const TableIndex inv_index = MakeTableIndex(l.inv_index_type, Log2(s.inv_table_size));
  LookupRows(l.inv_table.data(), inv_index, lane, lane, count, scratch);
  for (int j = 0; j < n; ++j) {
    const int64_t* ej = e + static_cast<size_t>(j) * count;
    int64_t* pj = acc + static_cast<size_t>(j) * count;
    if (l.softmax_products_32) {
      for (int b = 0; b < count; ++b) pj[b] = Mul32(ej[b], lane[b]);
    } else {
      for (int b = 0; b < count; ++b) pj[b] = ej[b] * lane[b];
    }
  }
  internal::ConvertRaws(l.softmax_out, acc, acc, n_count);  // res_t(e * inv)
  for (int j = 0; j < n; ++j) {
    std::copy_n(acc + static_cast<size_t>(j) * count, count, y + j * row_step);
  }
}

// ReduceRowsFast over `groups` groups at once: group g's n rows (`lanes` values each) start at
// e + g * group_step; their sums (the same tree, every pairwise sum through `add`) go to
// out[g * lanes + b]. `stack` is scratch of at least (n - 1) * groups * lanes values.
void ReduceGroupsFast(const internal::FastConvert& add, const int64_t* e, size_t group_step, int n,
                      int groups, int lanes, int64_t* out, int64_t* stack) {
  const size_t row = static_cast<size_t>(lanes);
  if (n == 1) {
    for (int g = 0; g < groups; ++g) std::copy_n(e + g * group_step, row, out + g * row);
    return;
  }
  if (n == 2) {
    for (int g = 0; g < groups; ++g) {
      const int64_t* eg = e + g * group_step;
      int64_t* og = out + g * row;
      for (size_t b = 0; b < row; ++b) og[b] = eg[b] + eg[row + b];
    }
    internal::ConvertRaws(add, out, out, groups * row);
    return;
  }
  int left = 1;
  while (left * 2 <= n - 1) left *= 2;
  int64_t* right = stack;
  stack += groups * row;
  ReduceGroupsFast(add, e, group_step, left, groups, lanes, out, stack);
  ReduceGroupsFast(add, e + left * row, group_step, n - left, groups, lanes, right, stack);
  for (size_t k = 0; k < groups * row; ++k) out[k] += right[k];
  internal::ConvertRaws(add, out, out, groups * row);
}

// SoftmaxSliceBlock (stable / latency) over every lane of `groups` slices of n adjacent rows
// (inner == 1: slice g is rows [g * n, (g + 1) * n)): the same steps, each one pass over all the
// slices (per-pixel softmax of an image: a few values per slice, many slices).
FPGAAS_NUMERICS_CLONES void SoftmaxSlicesBlock(const CompiledLayer& l, const int64_t* x, int64_t* y,
                                               int n, int groups, int lanes,
                                               BlockScratch& scratch) {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  const size_t row = static_cast<size_t>(lanes);
  const size_t step = static_cast<size_t>(n) * row;  // one slice
  if (l.softmax_slices != nullptr &&
      l.softmax_slices(SoftmaxKernelOf(l, n), x, y, row, step, groups, lanes,
                       BlockScratch::Sized(scratch.softmax_x, 32 * static_cast<size_t>(n)))) {
    return;
  }
  const size_t total = static_cast<size_t>(groups) * step;
  const size_t per_lane = static_cast<size_t>(groups) * row;  // one value per slice and lane
  int64_t* e = BlockScratch::Sized(scratch.softmax_x, total);
  int64_t* work = BlockScratch::Sized(scratch.softmax_y, total + per_lane);
  int64_t* lane = BlockScratch::Sized(scratch.softmax_lanes, per_lane);
  const int64_t* exp_table = l.exp_table_sum.data();
  if (s.implementation == SoftmaxImplementation::kStable) {
    for (int g = 0; g < groups; ++g) {
      const int64_t* xg = x + g * step;
      int64_t* m = lane + g * row;
      std::copy_n(xg, row, m);
      for (int j = 1; j < n; ++j) {
        const int64_t* xj = xg + j * row;
        for (size_t b = 0; b < row; ++b) m[b] = std::max(m[b], xj[b]);
      }
      for (int j = 0; j < n; ++j) {
        const int64_t* xj = xg + j * row;
        int64_t* ej = e + g * step + j * row;
        for (size_t b = 0; b < row; ++b) ej[b] = m[b] - xj[b];
      }
    }
    internal::ConvertRaws(l.softmax_norm, e, e, total);  // inp_norm_t(max - x)
    const TableIndex index = MakeTableIndex(s.inp_norm_type, Log2(s.exp_table_size));
    LookupRows(exp_table, index, e, e, total, scratch);
  } else {  // latency
    LookupRows(exp_table, MakeTableIndex(l.in_type, Log2(s.exp_table_size)), x, e, total, scratch);
  }
  // The sums (into `lane`, the tree's scratch in `work`), then the inverses.
  ReduceGroupsFast(l.softmax_add, e, step, n, groups, lanes, lane, work);
  internal::ConvertRaws(l.softmax_inv_inp, lane, lane, per_lane);
  const TableIndex inv_index = MakeTableIndex(l.inv_index_type, Log2(s.inv_table_size));
  LookupRows(l.inv_table.data(), inv_index, lane, lane, per_lane, scratch);
  for (int g = 0; g < groups; ++g) {
    const int64_t* inv = lane + g * row;
    for (int j = 0; j < n; ++j) {
      const size_t at = g * step + j * row;
      if (l.softmax_products_32) {
        for (size_t b = 0; b < row; ++b) work[at + b] = Mul32(e[at + b], inv[b]);
      } else {
        for (size_t b = 0; b < row; ++b) work[at + b] = e[at + b] * inv[b];
      }
    }
  }
  internal::ConvertRaws(l.softmax_out, work, y, total);  // res_t(e * inv)
}

// A softmax layer (HasSoftmaxBlock) over lanes b < count of a feature-major block: every slice
// (s.slice values s.inner apart, or the whole input) by SoftmaxSliceBlock, or all slices at once
// by SoftmaxSlicesBlock when they are adjacent and every lane is wanted (when they are not, the
// inner slices of each group at once).
void SoftmaxBlock(const CompiledLayer& l, const int64_t* x, int64_t* y, int count, int lanes) {
  const SoftmaxSpec& s = std::get<SoftmaxSpec>(l.spec->op);
  BlockScratch& scratch = ThreadScratch();
  const int slice = s.slice > 0 ? s.slice : l.n_in;
  if (s.inner == 1 && count == lanes && s.implementation != SoftmaxImplementation::kArgmax &&
      x != y) {
    SoftmaxSlicesBlock(l, x, y, slice, l.n_in / slice, lanes, scratch);
    return;
  }
  const size_t row_step = static_cast<size_t>(s.inner) * lanes;
  if (count == lanes) {
    // Every step of SoftmaxSliceBlock is lane-wise and slice k's value j of lane b sits at
    // (j * inner + k) * lanes + b: a group's inner slices are one slice of inner * lanes lanes.
    for (int group = 0; group < l.n_in; group += slice * s.inner) {
      const size_t first = static_cast<size_t>(group) * lanes;
      SoftmaxSliceBlock(l, x + first, y + first, row_step, slice, s.inner * lanes, scratch);
    }
    return;
  }
  for (int group = 0; group < l.n_in; group += slice * s.inner) {
    for (int k = 0; k < s.inner; ++k) {
      const size_t first = (static_cast<size_t>(group) + k) * lanes;
      SoftmaxSliceBlock(l, x + first, y + first, row_step, slice, count, scratch);
    }
  }
}

}  // namespace

void Network::Impl::RunLayer(const CompiledLayer& l, const int64_t* x, int64_t* y, int count,
                             int lanes) const {
  const FixedType& in = l.in_type;
  const FixedType& res = l.out_type;
  const size_t n_in_lanes = static_cast<size_t>(l.n_in) * lanes;
  switch (l.kind) {
    case OpKind::kDense: {
      // The general (exact scalar) path; kWrap32 layers run in RunBlock.
      const DenseSpec& d = std::get<DenseSpec>(l.spec->op);
      const FixedType& acc_t = d.accum_type;
      const size_t n_out_lanes = static_cast<size_t>(l.n_out) * lanes;
      int64_t* acc = BlockScratch::Sized(ThreadScratch().acc64, n_out_lanes);
      std::fill(acc, acc + n_out_lanes, 0);
      for (int b = 0; b < count; ++b) {
        for (int j = 0; j < l.n_out; ++j) acc[j * lanes + b] = l.bias_accum[j];
        auto mac = [&](int i, int j) {
          const Int128 p = internal::WideRaw(in, x[i * lanes + b]) *
                           internal::WideRaw(d.weight_type,
                                             l.weights_by_out[static_cast<size_t>(j) * l.n_in + i]);
          const int64_t pq = internal::QuantizeScaled(acc_t, p, -l.product_shift);
          int64_t& a = acc[j * lanes + b];
          a = internal::ApplyOverflow(acc_t,
                                      internal::WideRaw(acc_t, a) + internal::WideRaw(acc_t, pq));
        };
        if (d.resource_strategy) {
          for (auto [i, j] : l.resource_order) mac(i, j);
        } else {
          for (int i = 0; i < l.n_in; ++i) {
            for (int j = 0; j < l.n_out; ++j) mac(i, j);
          }
        }
      }
      internal::ConvertBlock(acc_t, acc, res, y, n_out_lanes);
      return;
    }
    case OpKind::kBatchNorm: {
      const BatchNormSpec& bn = std::get<BatchNormSpec>(l.spec->op);
      if (l.bn_plan) {
        internal::BatchNormBlock(x, lanes, l.n_in, bn.scale.data(), *l.bn_plan, y);
        return;
      }
      const int product_f = in.fractional_bits() + bn.scale_type.fractional_bits();
      const int f = std::max(product_f, bn.bias_type.fractional_bits());
      for (int i = 0; i < l.n_in; ++i) {
        const Int128 s = internal::WideRaw(bn.scale_type, bn.scale[i]);
        const Int128 bias =
            Align(internal::WideRaw(bn.bias_type, bn.bias[i]), bn.bias_type.fractional_bits(), f);
        if (bn.product_in_result_type) {
          const int f_sum = std::max(res.fractional_bits(), bn.bias_type.fractional_bits());
          const Int128 bias_sum = Align(internal::WideRaw(bn.bias_type, bn.bias[i]),
                                        bn.bias_type.fractional_bits(), f_sum);
          for (int b = 0; b < count; ++b) {
            const int64_t p =
                internal::QuantizeScaled(res, internal::WideRaw(in, x[i * lanes + b]) * s,
                                         res.fractional_bits() - product_f);
            const Int128 v =
                Align(internal::WideRaw(res, p), res.fractional_bits(), f_sum) + bias_sum;
            y[i * lanes + b] = internal::QuantizeScaled(res, v, res.fractional_bits() - f_sum);
          }
          continue;
        }
        for (int b = 0; b < count; ++b) {
          const Int128 v = Align(internal::WideRaw(in, x[i * lanes + b]) * s, product_f, f) + bias;
          y[i * lanes + b] = internal::QuantizeScaled(res, v, res.fractional_bits() - f);
        }
      }
      return;
    }
    case OpKind::kLinear:
      internal::ConvertBlock(in, x, res, y, n_in_lanes);
      return;
    case OpKind::kRelu: {
      if (l.relu_convert) {
        internal::ReluRaws(*l.relu_convert, x, y, n_in_lanes);
        return;
      }
      internal::ConvertBlock(in, x, res, y, n_in_lanes);
      if (in.width == 64 && !in.is_signed) {
        for (size_t k = 0; k < n_in_lanes; ++k) y[k] = x[k] != 0 ? y[k] : 0;  // only 0 is <= 0
      } else {
        for (size_t k = 0; k < n_in_lanes; ++k) y[k] = x[k] > 0 ? y[k] : 0;
      }
      return;
    }
    case OpKind::kSigmoid:
    case OpKind::kTanh: {
      const ActivationSpec& a = std::get<ActivationSpec>(l.spec->op);
      const int range = l.kind == OpKind::kSigmoid ? 16 : 8;
      for (int i = 0; i < l.n_in; ++i) {
        for (int b = 0; b < count; ++b) {
          y[i * lanes + b] = l.table_res[internal::ActivationTableIndex(in, x[i * lanes + b],
                                                                        a.table_size, range)];
        }
      }
      return;
    }
    case OpKind::kExtra:  // runs in RunGraph
      return;
    case OpKind::kSoftmax: {
      // A block takes the lane-wise form; one sample (lanes 1: batch 1, traces) stays on the
      // per-sample reference code.
      if (lanes > 1 && HasSoftmaxBlock(l)) {
        SoftmaxBlock(l, x, y, count, lanes);
        return;
      }
      BlockScratch& scratch = ThreadScratch();
      int64_t* xs = BlockScratch::Sized(scratch.softmax_x, l.n_in);
      int64_t* ys = BlockScratch::Sized(scratch.softmax_y, l.n_in);
      for (int b = 0; b < count; ++b) {
        for (int i = 0; i < l.n_in; ++i) xs[i] = x[i * lanes + b];
        RunSoftmaxSample(l, xs, ys);
        for (int i = 0; i < l.n_in; ++i) y[i * lanes + b] = ys[i];
      }
      return;
    }
  }
}

void Network::Impl::RunBlock(const uint8_t* in, uint8_t* out, int count, int lanes,
                             std::vector<LayerTrace>* trace) const {
  const size_t buf = static_cast<size_t>(max_width) * lanes;
  BlockScratch& scratch = ThreadScratch();
  // Activations live either in int32 lanes (after a kWrap32 dense layer, or an input that feeds
  // one) or in int64 lanes; `narrow` says which. Each step reads x and writes y, then they swap.
  int64_t* x64 = BlockScratch::Sized(scratch.a64, buf);
  int64_t* y64 = BlockScratch::Sized(scratch.b64, buf);
  int32_t* x32 = BlockScratch::Sized(scratch.a32, buf);
  int32_t* y32 = BlockScratch::Sized(scratch.b32, buf);
  const FixedType& it = inputs[0].type;
  const int n_in = inputs[0].size;
  const CompiledLayer& first = layers.front();
  bool narrow = first.kind == OpKind::kDense &&
                (first.dense_kernel == internal::DenseKernelKind::kWrap32 ||
                 first.dense_kernel == internal::DenseKernelKind::kFast32) &&
                FitsInt32(it);
  if (narrow) {
    internal::UnpackBlock32(it, in, n_in, count, lanes, x32);
  } else {
    internal::UnpackBlock(it, in, n_in, count, lanes, x64);
  }
  for (size_t k = 0; k < layers.size(); ++k) {
    const CompiledLayer& l = layers[k];
    const size_t n_in_lanes = static_cast<size_t>(l.n_in) * lanes;
    const size_t n_out_lanes = static_cast<size_t>(l.n_out) * lanes;
    // Layers fused into this dense layer's epilogue (a trace reports each layer itself).
    const int skip = trace == nullptr ? l.fused_layers : 0;
    if (l.kind == OpKind::kDense && l.dense_kernel == internal::DenseKernelKind::kFast64) {
      if (narrow) {
        internal::WidenRaws(x32, x64, n_in_lanes);
        narrow = false;
      }
      const internal::DenseEpilogue& e = skip > 0 ? l.epilogue_fused : l.epilogue_result;
      if (l.plan.mul32) {
        internal::DenseMul32Block(x64, lanes, l.weights_by_out.data(), l.bias_accum.data(), l.n_in,
                                  l.n_out, l.plan.params, e, y64);
      } else {
        internal::DenseFastBlock64(x64, lanes, l.weights_by_out.data(), l.bias_accum.data(), l.n_in,
                                   l.n_out, l.plan.params, e, y64);
      }
      std::swap(x64, y64);
    } else if (l.kind == OpKind::kDense && l.dense_kernel == internal::DenseKernelKind::kFast32) {
      if (!narrow) {
        internal::NarrowRaws(x64, x32, n_in_lanes);
      }
      internal::DenseFastBlock32(x32, lanes, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                                 l.plan.params, skip > 0 ? l.epilogue_fused : l.epilogue_result,
                                 y32);
      std::swap(x32, y32);
      narrow = true;
    } else if (l.kind == OpKind::kDense && l.dense_kernel == internal::DenseKernelKind::kWrap32) {
      if (!narrow) {
        internal::NarrowRaws(x64, x32, n_in_lanes);
      }
      const internal::DenseEpilogue& e = skip > 0        ? l.epilogue_fused
                                         : l.result_fast ? l.epilogue_result
                                                         : l.epilogue_accum;
      if (lanes == 1) {
        uint32_t* acc = BlockScratch::Sized(scratch.sample_acc, l.sample_stride);
        internal::DenseWrap32Sample(x32, l.weights32_by_in.data(), l.bias32.data(), l.n_in, l.n_out,
                                    l.sample_stride, l.quant, e, acc, y32);
      } else {
        internal::DenseWrap32Block(x32, lanes, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                                   l.quant, e, y32);
      }
      if (l.result_fast) {
        std::swap(x32, y32);
        narrow = true;
      } else {
        int64_t* acc = BlockScratch::Sized(scratch.acc64, n_out_lanes);
        internal::WidenRaws(y32, acc, n_out_lanes);
        internal::ConvertBlock(std::get<DenseSpec>(l.spec->op).accum_type, acc, l.out_type, x64,
                               n_out_lanes);
        narrow = false;
      }
    } else {
      if (narrow) {
        internal::WidenRaws(x32, x64, n_in_lanes);
        narrow = false;
      }
      RunLayer(l, x64, y64, count, lanes);
      std::swap(x64, y64);
    }
    if (trace != nullptr) {
      LayerTrace t;
      t.name = l.spec->name;
      t.type = l.out_type;
      for (int i = 0; i < l.n_out; ++i) {
        const int64_t raw =
            narrow ? x32[static_cast<size_t>(i) * lanes] : x64[static_cast<size_t>(i) * lanes];
        t.raw.push_back(raw);
        t.values.push_back(ToDouble(l.out_type, raw));
      }
      trace->push_back(std::move(t));
    }
    k += skip;
  }
  const CompiledLayer& last = layers.back();
  if (narrow) {
    internal::PackBlock32(last.out_type, x32, last.n_out, count, lanes, out);
  } else {
    internal::PackBlock(last.out_type, x64, last.n_out, count, lanes, out);
  }
}

namespace {

// The graph executor's per-thread arena, one per nesting level: a TimeDistributed layer runs its
// body network inside the outer network's run, on the same thread.
class ArenaLease {
 public:
  // size int64 values, and size32 int32 ones (data32()).
  explicit ArenaLease(size_t size, size_t size32 = 0) {
    Levels& levels = ThreadLevels();
    if (levels.arenas.size() <= levels.depth) {
      levels.arenas.emplace_back();
      levels.arenas32.emplace_back();
    }
    std::vector<int64_t>& arena = levels.arenas[levels.depth];
    std::vector<int32_t>& arena32 = levels.arenas32[levels.depth++];
    if (arena.size() < size) arena.resize(size);
    if (arena32.size() < size32) arena32.resize(size32);
    data_ = arena.data();  // stays valid when `arenas` grows (moving a vector keeps its buffer)
    data32_ = arena32.data();
  }
  ~ArenaLease() { --ThreadLevels().depth; }
  ArenaLease(const ArenaLease&) = delete;
  ArenaLease& operator=(const ArenaLease&) = delete;
  int64_t* data() const { return data_; }
  int32_t* data32() const { return data32_; }

 private:
  struct Levels {
    std::vector<std::vector<int64_t>> arenas;
    std::vector<std::vector<int32_t>> arenas32;
    size_t depth = 0;
  };
  static Levels& ThreadLevels() {
    thread_local Levels levels;
    return levels;
  }
  int64_t* data_ = nullptr;
  int32_t* data32_ = nullptr;
};

}  // namespace

void Network::Impl::RunGraph(const uint8_t* const* in, uint8_t* const* out, size_t batch,
                             std::vector<LayerTrace>* trace) const {
  const ArenaLease lease(arena_size);
  int64_t* arena = lease.data();
  std::vector<const int64_t*> xs;
  for (size_t sample = 0; sample < batch; ++sample) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Buffer& b = buffers[k];
      internal::UnpackBlock(b.type, in[k] + sample * b.size * b.type.container_bytes(), b.size, 1,
                            1, arena + b.offset);
    }
    for (const CompiledLayer& l : layers) {
      int64_t* y = arena + buffers[l.out_buffer].offset;
      if (l.kind == OpKind::kExtra) {
        xs.clear();
        for (int b : l.in_buffers) xs.push_back(arena + buffers[b].offset);
        l.extra->Run(xs.data(), y);
      } else if (l.kind == OpKind::kSoftmax) {
        RunSoftmaxSample(l, arena + buffers[l.in_buffers[0]].offset, y);
      } else {
        RunLayer(l, arena + buffers[l.in_buffers[0]].offset, y, 1, 1);
      }
      if (trace != nullptr) {
        LayerTrace t;
        t.name = l.spec->name;
        t.type = l.out_type;
        t.raw.assign(y, y + l.n_out);
        for (int64_t raw : t.raw) t.values.push_back(ToDouble(l.out_type, raw));
        trace->push_back(std::move(t));
      }
    }
    for (size_t k = 0; k < output_buffers.size(); ++k) {
      const Buffer& b = buffers[output_buffers[k]];
      internal::PackBlock(b.type, arena + b.offset, b.size, 1, 1,
                          out[k] + sample * b.size * b.type.container_bytes());
    }
  }
}

void Network::Impl::RunDenseFast(const CompiledLayer& l, const int64_t* x, const int32_t* x32_ready,
                                 int64_t* y, int lanes) const {
  BlockScratch& scratch = ThreadScratch();
  const size_t n_in_lanes = static_cast<size_t>(l.n_in) * lanes;
  const size_t n_out_lanes = static_cast<size_t>(l.n_out) * lanes;
  const internal::DenseEpilogue& e = l.fused_layers > 0 ? l.epilogue_fused : l.epilogue_result;
  if (l.dense_kernel == internal::DenseKernelKind::kFast64) {
    if (l.plan.mul32) {
      internal::DenseMul32Block(x, lanes, l.weights_by_out.data(), l.bias_accum.data(), l.n_in,
                                l.n_out, l.plan.params, e, y);
    } else {
      internal::DenseFastBlock64(x, lanes, l.weights_by_out.data(), l.bias_accum.data(), l.n_in,
                                 l.n_out, l.plan.params, e, y);
    }
    return;
  }
  // int32 lanes: the input type fits int32 whenever these kernels were planned for it.
  const int32_t* x32 = x32_ready;
  if (x32 == nullptr) {
    int32_t* narrowed = BlockScratch::Sized(scratch.a32, n_in_lanes);
    if (lanes > kBlock) {
      internal::NarrowRawsToParts(x, l.n_in, lanes, narrowed);
    } else {
      internal::NarrowRaws(x, narrowed, n_in_lanes);
    }
    x32 = narrowed;
  }
  int32_t* y32 = BlockScratch::Sized(scratch.b32, n_out_lanes);
  if (lanes > kBlock) {  // a wide block: the kBlock-lane kernels on each part
    for (int p = 0; p < lanes / kBlock; ++p) {
      const int32_t* xp = x32 + static_cast<size_t>(p) * l.n_in * kBlock;
      int32_t* yp = y32 + static_cast<size_t>(p) * l.n_out * kBlock;
      if (l.dense_kernel == internal::DenseKernelKind::kFast32) {
        internal::DenseFastBlock32(xp, kBlock, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                                   l.plan.params, e, yp);
      } else {
        internal::DenseWrap32Block(xp, kBlock, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                                   l.quant, l.result_fast ? e : l.epilogue_accum, yp);
      }
    }
    internal::WidenRawsFromParts(y32, l.n_out, lanes, y);
    if (l.dense_kernel == internal::DenseKernelKind::kWrap32 && !l.result_fast) {
      internal::ConvertBlock(std::get<DenseSpec>(l.spec->op).accum_type, y, l.out_type, y,
                             n_out_lanes);
    }
    return;
  }
  if (l.dense_kernel == internal::DenseKernelKind::kFast32) {
    internal::DenseFastBlock32(x32, lanes, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                               l.plan.params, e, y32);
    internal::WidenRaws(y32, y, n_out_lanes);
    return;
  }
  internal::DenseWrap32Block(x32, lanes, l.weights32.data(), l.bias32.data(), l.n_in, l.n_out,
                             l.quant, l.result_fast ? e : l.epilogue_accum, y32);
  internal::WidenRaws(y32, y, n_out_lanes);
  if (!l.result_fast) {
    internal::ConvertBlock(std::get<DenseSpec>(l.spec->op).accum_type, y, l.out_type, y,
                           n_out_lanes);
  }
}

void Network::Impl::ElideMoves() {
  const int n_inputs = static_cast<int>(inputs.size());
  std::vector<int> readers(buffers.size(), 0);
  for (const CompiledLayer& l : layers) {
    for (int b : l.in_buffers) ++readers[b];
  }
  for (int b : output_buffers) ++readers[b];
  for (CompiledLayer& l : layers) {
    if (l.kind != OpKind::kExtra) continue;
    l.block_extra = l.extra;
    l.block_in_buffers = l.in_buffers;
    if (l.in_buffers.size() != 1 || l.in_buffers[0] < n_inputs || readers[l.in_buffers[0]] != 1) {
      continue;
    }
    // Layer b - n_inputs writes buffer b; when it is a move read by l alone, l reads its source.
    CompiledLayer& move = layers[l.in_buffers[0] - n_inputs];
    if (move.kind != OpKind::kExtra || move.block_extra->moved_rows().empty()) continue;
    const int source = move.block_in_buffers[0];
    std::unique_ptr<internal::ExtraLayer> through =
        l.extra->ReadingMovedRows(move.block_extra->moved_rows(), buffers[source].size);
    if (through == nullptr) continue;
    l.block_extra = std::move(through);
    l.block_in_buffers = {source};
    move.skip_in_block = true;
  }
}

void Network::Impl::PlanArena() {
  const int n_buffers = static_cast<int>(buffers.size());
  const int n_inputs = static_cast<int>(inputs.size());
  // A concatenation in order of two layers' distinct outputs holds them back to back: its output
  // buffer is their home, each at its place in it, and the layer is skipped on the block path
  // (the per-sample path copies each value onto itself). A buffer belongs to one home at most.
  std::vector<int> home(n_buffers);
  std::iota(home.begin(), home.end(), 0);
  std::vector<size_t> at_home(n_buffers, 0);
  std::vector<bool> grouped(n_buffers, false);
  for (CompiledLayer& l : layers) {
    if (l.kind != OpKind::kExtra || l.skip_in_block || !l.block_extra->concatenates_in_order() ||
        l.block_in_buffers.size() != 2) {
      continue;
    }
    const int a = l.block_in_buffers[0], b = l.block_in_buffers[1], c = l.block_out_buffer;
    if (a == b || a < n_inputs || b < n_inputs || grouped[a] || grouped[b] || grouped[c]) continue;
    home[a] = home[b] = c;
    at_home[b] = static_cast<size_t>(buffers[a].size);
    grouped[a] = grouped[b] = grouped[c] = true;
    l.skip_in_block = true;
  }
  // Lifetimes in layer steps, a home's spanning its members'.
  std::vector<int> first(n_buffers, INT_MAX), last(n_buffers, -1);
  auto use = [&](int b, int step) {
    first[home[b]] = std::min(first[home[b]], step);
    last[home[b]] = std::max(last[home[b]], step);
  };
  for (int b = 0; b < n_inputs; ++b) use(b, -1);
  for (int k = 0; k < static_cast<int>(layers.size()); ++k) {
    const CompiledLayer& l = layers[k];
    for (int b : l.in_buffers) use(b, k);
    for (int b : l.block_in_buffers) use(b, k);
    use(l.out_buffer, k);
    use(l.block_out_buffer, k);
  }
  for (int b : output_buffers) use(b, static_cast<int>(layers.size()));
  std::vector<int> order;
  for (int b = 0; b < n_buffers; ++b) {
    if (home[b] == b) order.push_back(b);
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return first[a] < first[b]; });
  // First fit: each home at the lowest offset clear of every placed home alive with it.
  std::vector<int> placed;
  arena_size = 0;
  for (int b : order) {
    std::vector<std::pair<size_t, size_t>> taken;  // [offset, end) of the live placed buffers
    for (int p : placed) {
      if (first[p] <= last[b] && first[b] <= last[p]) {
        taken.emplace_back(buffers[p].offset, buffers[p].offset + buffers[p].size);
      }
    }
    std::sort(taken.begin(), taken.end());
    size_t at = 0;
    for (const auto& [begin, end] : taken) {
      if (at + static_cast<size_t>(buffers[b].size) <= begin) break;
      at = std::max(at, end);
    }
    buffers[b].offset = at;
    arena_size = std::max(arena_size, at + static_cast<size_t>(buffers[b].size));
    placed.push_back(b);
  }
  for (int b = 0; b < n_buffers; ++b) {
    if (home[b] != b) buffers[b].offset = buffers[home[b]].offset + at_home[b];
  }
}

void Network::Impl::PlanInt32Inputs() {
  const int n_inputs = static_cast<int>(inputs.size());
  std::vector<bool> int32_only(n_inputs, true);
  for (int b : output_buffers) {
    if (b < n_inputs) int32_only[b] = false;
  }
  for (const CompiledLayer& l : layers) {
    if (l.skip_in_block) continue;
    const bool int32_dense =
        l.kind == OpKind::kDense && (l.dense_kernel == internal::DenseKernelKind::kFast32 ||
                                     l.dense_kernel == internal::DenseKernelKind::kWrap32);
    for (int b : l.kind == OpKind::kExtra ? l.block_in_buffers : l.in_buffers) {
      if (b < n_inputs && !int32_dense) int32_only[b] = false;
    }
  }
  input_offset32.assign(n_inputs, -1);
  arena_size32 = 0;
  for (int k = 0; k < n_inputs; ++k) {
    if (!int32_only[k] || !FitsInt32(buffers[k].type)) continue;
    input_offset32[k] = static_cast<int>(arena_size32);
    arena_size32 += static_cast<size_t>(buffers[k].size);
  }
}

void Network::Impl::PlanWideBlocks() {
  wide_blocks = std::all_of(layers.begin(), layers.end(), [](const CompiledLayer& l) {
    if (l.skip_in_block) return true;
    if (l.kind == OpKind::kExtra) return l.block_extra->RunsWideBlocks();
    return l.kind == OpKind::kDense && (l.dense_kernel == internal::DenseKernelKind::kFast32 ||
                                        l.dense_kernel == internal::DenseKernelKind::kWrap32);
  });
}

void Network::Impl::FuseEpilogues() {
  // reader[b]: the layer reading buffer b when it is the only one and b is no network output.
  std::vector<int> readers(buffers.size(), 0), reader(buffers.size(), -1);
  for (size_t k = 0; k < layers.size(); ++k) {
    for (int b : layers[k].in_buffers) {
      ++readers[b];
      reader[b] = static_cast<int>(k);
    }
  }
  for (int b : output_buffers) ++readers[b];
  for (CompiledLayer& l : layers) l.block_out_buffer = l.out_buffer;
  for (CompiledLayer& l : layers) {
    const int b = l.out_buffer;
    if (readers[b] != 1 || reader[b] < 0 || layers[reader[b]].kind != OpKind::kRelu) continue;
    CompiledLayer& relu = layers[reader[b]];
    std::optional<internal::ExtraLayer::BlockEpilogue> slot;
    if (l.kind == OpKind::kDense && l.dense_kernel != internal::DenseKernelKind::kGeneral &&
        l.result_fast) {
      slot = internal::ExtraLayer::BlockEpilogue{
          l.epilogue_result, l.dense_kernel != internal::DenseKernelKind::kFast64};
    } else if (l.kind == OpKind::kExtra && !l.skip_in_block) {
      slot = l.block_extra->block_epilogue();
    }
    if (!slot) continue;
    internal::DenseEpilogue e = slot->epilogue;
    if (AppendFollowing(e, slot->int32_results, nullptr, &relu) == 0) continue;
    relu.skip_in_block = true;
    l.block_out_buffer = relu.out_buffer;
    if (l.kind == OpKind::kDense) {
      l.fused_layers = 1;
      l.epilogue_fused = e;
    } else {
      l.block_extra = l.block_extra->WithBlockEpilogue(e);
    }
  }
}

void Network::Impl::RunGraphBlock(const uint8_t* const* in, uint8_t* const* out, int count,
                                  int lanes) const {
  const ArenaLease lease(arena_size * lanes, arena_size32 * lanes);
  int64_t* arena = lease.data();
  int32_t* arena32 = lease.data32();
  absl::InlinedVector<const int64_t*, 4> xs;  // no allocation per block
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Buffer& b = buffers[k];
    if (input_offset32[k] < 0) {
      internal::UnpackBlock(b.type, in[k], b.size, count, lanes, arena + b.offset * lanes);
      continue;
    }
    int32_t* x32 = arena32 + static_cast<size_t>(input_offset32[k]) * lanes;
    if (lanes <= kBlock) {
      internal::UnpackBlock32(b.type, in[k], b.size, count, lanes, x32);
      continue;
    }
    const size_t part_bytes = static_cast<size_t>(kBlock) * b.size * b.type.container_bytes();
    for (int p = 0; p < lanes / kBlock; ++p) {  // a wide block holds `lanes` samples
      internal::UnpackBlock32(b.type, in[k] + p * part_bytes, b.size, kBlock, kBlock,
                              x32 + static_cast<size_t>(p) * b.size * kBlock);
    }
  }
  for (const CompiledLayer& l : layers) {
    if (l.skip_in_block) continue;
    int64_t* y = arena + buffers[l.block_out_buffer].offset * lanes;
    const int64_t* x = arena + buffers[l.in_buffers[0]].offset * lanes;
    if (l.kind == OpKind::kExtra) {
      xs.clear();
      for (int b : l.block_in_buffers) xs.push_back(arena + buffers[b].offset * lanes);
      l.block_extra->RunBlock(xs.data(), y, count, lanes);
    } else if (l.kind == OpKind::kDense && l.dense_kernel != internal::DenseKernelKind::kGeneral) {
      const int from = l.in_buffers[0];
      const bool int32_input = from < static_cast<int>(inputs.size()) && input_offset32[from] >= 0;
      RunDenseFast(
          l, x, int32_input ? arena32 + static_cast<size_t>(input_offset32[from]) * lanes : nullptr,
          y, lanes);
    } else {
      // Every lane: the lanes past `count` must hold raw values for the layers after this one.
      RunLayer(l, x, y, lanes, lanes);
    }
  }
  for (size_t k = 0; k < output_buffers.size(); ++k) {
    const Buffer& b = buffers[output_buffers[k]];
    internal::PackBlock(b.type, arena + b.offset * lanes, b.size, count, lanes, out[k]);
  }
}

void Network::Run(const uint8_t* in, uint8_t* out, size_t batch) const { Run(&in, &out, batch); }

void Network::Run(const uint8_t* const* ins, uint8_t* const* outs, size_t batch) const {
  if (!impl_->sequential) {
    // Blocks as below; single samples (a short tail, batch 1) take the exact per-sample path.
    std::vector<const uint8_t*> in_at(ins, ins + num_inputs());
    std::vector<uint8_t*> out_at(outs, outs + num_outputs());
    size_t start = 0;
    while (start < batch) {
      const size_t rest = batch - start;
      const int lanes = impl_->wide_blocks && rest >= static_cast<size_t>(kWideBlock) ? kWideBlock
                        : rest >= static_cast<size_t>(kBlock)                         ? kBlock
                        : rest >= static_cast<size_t>(internal::kMinSmallBlockSamples)
                            ? internal::kSmallBlock
                            : 1;
      const int count = static_cast<int>(std::min<size_t>(lanes, rest));
      for (int k = 0; k < num_inputs(); ++k) in_at[k] = ins[k] + start * input_bytes_per_sample(k);
      for (int k = 0; k < num_outputs(); ++k) {
        out_at[k] = outs[k] + start * output_bytes_per_sample(k);
      }
      if (lanes == 1) {
        impl_->RunGraph(in_at.data(), out_at.data(), rest, nullptr);
        break;
      }
      impl_->RunGraphBlock(in_at.data(), out_at.data(), count, lanes);
      start += count;
    }
    return;
  }
  const uint8_t* in = ins[0];
  uint8_t* out = outs[0];
  const size_t in_bytes = input_bytes_per_sample(), out_bytes = output_bytes_per_sample();
  size_t start = 0;
  while (start < batch) {
    // Full 64-sample blocks, then 16-sample blocks, then single samples for a short tail: a block
    // never wastes more than a few lanes, and batch 1 runs the one-sample kernels.
    const size_t rest = batch - start;
    const int lanes = rest >= static_cast<size_t>(kBlock) ? kBlock
                      : rest >= static_cast<size_t>(internal::kMinSmallBlockSamples)
                          ? internal::kSmallBlock
                          : 1;
    const int count = static_cast<int>(std::min<size_t>(lanes, rest));
    impl_->RunBlock(in + start * in_bytes, out + start * out_bytes, count, lanes, nullptr);
    start += count;
  }
}

std::vector<LayerTrace> Network::Trace(const uint8_t* sample) const { return Trace(&sample); }

std::vector<LayerTrace> Network::Trace(const uint8_t* const* sample) const {
  std::vector<LayerTrace> trace;
  std::vector<std::vector<uint8_t>> outs;
  std::vector<uint8_t*> out_ptrs;
  for (int k = 0; k < num_outputs(); ++k) outs.emplace_back(output_bytes_per_sample(k));
  for (auto& o : outs) out_ptrs.push_back(o.data());
  if (impl_->sequential) {
    impl_->RunBlock(sample[0], out_ptrs[0], 1, 1, &trace);
  } else {
    impl_->RunGraph(sample, out_ptrs.data(), 1, &trace);
  }
  return trace;
}

}  // namespace fpgaas::numerics
