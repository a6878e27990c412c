// nnet::lstm_stack / nnet::gru_stack (hls4ml's nnet_recurrent.h) for the graph executor on raw
// int64 values: Run one sample at a time (the exact reference), RunBlock a block of samples at
// once (per step, the two dense products as block kernels over the lanes, then the gates and the
// state update row by row). What is computed is written down at RecurrentSpec (network.h); the two
// dense products of every step run on the dense kernels of network_kernels.cc when PlanDense finds
// one exact for their types, else on the exact scalar path.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/fixed_point_internal.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layers_internal.h"
#include "server/numerics/network_recurrent_cell.h"
#include "server/util/cpu_dispatch.h"

namespace fpgaas::numerics::internal {
namespace {

// Exact intermediates are held in 128-bit integers: every product/sum must fit this many bits.
constexpr int kMaxExactBits = 120;
constexpr int kMaxTableSize = 1 << 20;

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}
absl::Status Unimplemented(const LayerSpec& s, absl::string_view why) {
  return absl::UnimplementedError(absl::StrCat("layer \"", s.name, "\": ", why));
}

bool TypeOk(const FixedType& t) {
  return t.width >= 1 && t.width <= 64 && std::abs(t.integer_bits) <= 512 &&
         t.saturation_bits >= 0 && t.saturation_bits <= t.width;
}

// A DenseFastParams product term in one formula for every ProductRounding (FastConvert's):
// q = ((p + rc(p)) >> shift_right) << shift_left, rc(p) = (p < 0 ? rc_neg : rc_pos) +
// ((p >> shift_right) & conv_mask); lo, hi the saturating accumulator's range.
struct OrderedTerm {
  int shift_right = 0, shift_left = 0;
  int64_t rc_pos = 0, rc_neg = 0, conv_mask = 0, lo = 0, hi = 0;

  static OrderedTerm Of(const DenseFastParams& p) {
    OrderedTerm t;
    t.shift_right = p.shift_right;
    t.shift_left = p.shift_left;
    t.lo = p.lo;
    t.hi = p.hi;
    switch (p.rounding) {
      case ProductRounding::kLeft:
      case ProductRounding::kTrn:
      case ProductRounding::kNoShift:
        break;
      case ProductRounding::kConst:
        t.rc_pos = t.rc_neg = p.round_const;
        break;
      case ProductRounding::kSign:
        t.rc_pos = p.round_const;
        t.rc_neg = p.round_const_neg;
        break;
      case ProductRounding::kConv:
        t.rc_pos = t.rc_neg = p.round_const;
        t.conv_mask = 1;
        break;
    }
    return t;
  }
};

// The term's constants as locals (never aliased by the accumulator stores). kMul32: x and w lie
// within int32, so the product is a 32x32->64 multiply (vpmuldq; int64 * int64 has no AVX-512F
// instruction).
struct TermConsts {
  __attribute__((always_inline)) explicit TermConsts(const OrderedTerm& t)
      : shift_right(t.shift_right),
        shift_left(t.shift_left),
        rc_pos(t.rc_pos),
        rc_neg(t.rc_neg),
        conv_mask(t.conv_mask),
        lo(t.lo),
        hi(t.hi) {}
  int shift_right, shift_left;
  int64_t rc_pos, rc_neg, conv_mask, lo, hi;
};
template <bool kMul32>
inline __attribute__((always_inline)) int64_t Term(const TermConsts& t, int64_t x, int64_t w) {
  const int64_t p =
      kMul32 ? int64_t{static_cast<int32_t>(x)} * int64_t{static_cast<int32_t>(w)} : x * w;
  const int64_t rc = (p < 0 ? t.rc_neg : t.rc_pos) + ((p >> t.shift_right) & t.conv_mask);
  return static_cast<int64_t>(static_cast<uint64_t>((p + rc) >> t.shift_right) << t.shift_left);
}

// acc[b] = accum_t(acc[b] + accum_t(x[b] * w)) for b < lanes (DenseFastParams' kClamp / kZero
// step), in int64 where PlanDense found the kernels' arithmetic exact.
template <bool kMul32>
inline __attribute__((always_inline)) void MacRowClampImpl(const int64_t* x, int64_t w, int lanes,
                                                           const OrderedTerm& term, int64_t* acc) {
  const TermConsts t(term);
  for (int b = 0; b < lanes; ++b) {
    const int64_t q = std::clamp(Term<kMul32>(t, x[b], w), t.lo, t.hi);
    acc[b] = std::clamp(acc[b] + q, t.lo, t.hi);
  }
}
template <bool kMul32>
inline __attribute__((always_inline)) void MacRowZeroImpl(const int64_t* x, int64_t w, int lanes,
                                                          const OrderedTerm& term, int64_t* acc) {
  const TermConsts t(term);
  for (int b = 0; b < lanes; ++b) {
    int64_t q = Term<kMul32>(t, x[b], w);
    q = (q < t.lo || q > t.hi) ? 0 : q;
    const int64_t sum = acc[b] + q;
    acc[b] = (sum < t.lo || sum > t.hi) ? 0 : sum;
  }
}
FPGAAS_NUMERICS_CLONES void MacRowClamp(const int64_t* x, int64_t w, int lanes,
                                        const OrderedTerm& t, int64_t* acc) {
  MacRowClampImpl<false>(x, w, lanes, t, acc);
}
FPGAAS_NUMERICS_CLONES void MacRowClamp32(const int64_t* x, int64_t w, int lanes,
                                          const OrderedTerm& t, int64_t* acc) {
  MacRowClampImpl<true>(x, w, lanes, t, acc);
}
FPGAAS_NUMERICS_CLONES void MacRowZero(const int64_t* x, int64_t w, int lanes, const OrderedTerm& t,
                                       int64_t* acc) {
  MacRowZeroImpl<false>(x, w, lanes, t, acc);
}
FPGAAS_NUMERICS_CLONES void MacRowZero32(const int64_t* x, int64_t w, int lanes,
                                         const OrderedTerm& t, int64_t* acc) {
  MacRowZeroImpl<true>(x, w, lanes, t, acc);
}

// y[k] = x[k] for n values, int64 -> int32 (values within int32) and back: the step's dense
// products on the int32 kernels.
FPGAAS_NUMERICS_CLONES void NarrowRaws(const int64_t* x, int32_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = static_cast<int32_t>(x[k]);
}
FPGAAS_NUMERICS_CLONES void WidenRaws(const int32_t* x, int64_t* y, size_t n) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k];
}

// One of the two dense products of a step: x (raws of in_type) -> y (raws of the accum type A).
class StepDense {
 public:
  absl::Status Init(const LayerSpec& s, const DenseSpec& d, const FixedType& in,
                    const FixedType& result, absl::string_view what) {
    if (d.exponent_weights || d.product != DenseProduct::kMult ||
        d.binary_cast != BinaryCast::kNone) {
      return Unimplemented(
          s, absl::StrCat(what, " dense: exponent or binary products are not supported"));
    }
    for (const FixedType* t : {&d.weight_type, &d.bias_type, &d.accum_type}) {
      if (!TypeOk(*t)) {
        return Invalid(s, absl::StrCat(what, " dense type ", t->ToString(), " is not supported"));
      }
    }
    if (d.weights.size() != static_cast<size_t>(d.n_in) * d.n_out ||
        d.biases.size() != static_cast<size_t>(d.n_out)) {
      return Invalid(s, absl::StrCat(what, " dense has ", d.weights.size(), " weights and ",
                                     d.biases.size(), " biases for ", d.n_in, " x ", d.n_out));
    }
    for (size_t k = 0; k < d.weights.size(); ++k) {
      if (WrapToWidth(d.weight_type, d.weights[k]) != d.weights[k]) {
        return Invalid(s, absl::StrCat(what, " weight ", k, " is not a raw value of ",
                                       d.weight_type.ToString()));
      }
    }
    for (size_t k = 0; k < d.biases.size(); ++k) {
      if (WrapToWidth(d.bias_type, d.biases[k]) != d.biases[k]) {
        return Invalid(
            s, absl::StrCat(what, " bias ", k, " is not a raw value of ", d.bias_type.ToString()));
      }
    }
    if (in.width + d.weight_type.width > kMaxExactBits) {
      return Unimplemented(s, absl::StrCat(what, " product of ", in.ToString(), " and ",
                                           d.weight_type.ToString(), " is too wide"));
    }
    if (d.resource_strategy) {
      // hls4ml's _validate_reuse_factor (as for dense layers, see network.cc).
      const int64_t n_in = d.n_in, n_out = d.n_out, rf = d.reuse_factor;
      bool valid = rf >= 1 && rf <= n_in * n_out;
      if (valid) {
        const int64_t multfactor = std::min(n_in, rf);
        const int64_t multiplier_limit = (n_in * n_out + multfactor - 1) / multfactor;
        valid = (multiplier_limit % n_out == 0 || rf >= n_in) && (rf % n_in == 0 || rf < n_in) &&
                (n_in * n_out) % rf == 0;
      }
      if (!valid) {
        return Invalid(s, absl::StrCat(what, " dense: reuse factor ", d.reuse_factor,
                                       " is not valid for dense_resource with n_in ", d.n_in,
                                       " and n_out ", d.n_out));
      }
      for (int64_t ir = 0; ir < rf; ++ir) {
        for (int64_t w = ir; w < n_in * n_out; w += rf) {
          resource_order_.emplace_back(static_cast<int>(w % n_in), static_cast<int>(w / n_in));
        }
      }
    }
    d_ = d;
    in_ = in;
    result_ = result;
    product_shift_ =
        in.fractional_bits() + d.weight_type.fractional_bits() - d.accum_type.fractional_bits();
    for (int64_t b : d.biases) bias_accum_.push_back(Convert(d.bias_type, b, d.accum_type));
    w_by_out_.resize(d.weights.size());
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) {
        w_by_out_[static_cast<size_t>(j) * d.n_in + i] =
            d.weights[static_cast<size_t>(i) * d.n_out + j];
      }
    }
    // Only the order of each output's own terms matters (outputs accumulate independently): where
    // dense_resource adds every output's terms in ascending input order (reuse factors that are
    // multiples of n_in), its sums are the latency order's, which the kernels compute.
    const bool resource_order_matters = d.resource_strategy && !ResourceOrderAscending();
    plan_ = PlanDense(in, d.weight_type, d.accum_type, result, resource_order_matters);
    if (plan_.kind == DenseKernelKind::kGeneral && resource_order_matters) {
      // dense_resource's order with a saturating accumulator: the kernels' per-product arithmetic
      // is exact for these types, only their summation order is not dense_resource's.
      DensePlan ordered = PlanDense(in, d.weight_type, d.accum_type, result, false);
      if ((ordered.kind == DenseKernelKind::kFast32 || ordered.kind == DenseKernelKind::kFast64) &&
          (ordered.params.overflow == AccumOverflow::kClamp ||
           ordered.params.overflow == AccumOverflow::kZero)) {
        ordered_ = ordered;
        ordered_term_ = OrderedTerm::Of(ordered.params);
        // Raws of in and of the weight type within int32 (unsigned 32-bit raws are not).
        ordered_mul32_ = in.width <= 31 && d.weight_type.width <= 31;
      }
    }
    NarrowForWeights(in, d.weights, plan_);
    PlanDeferredSaturation(w_by_out_, d.n_in, d.n_out, plan_);
    PlanFmaProducts(in, w_by_out_, d.n_in, plan_);
    if (plan_.kind != DenseKernelKind::kGeneral) {
      epilogue_.to_result = *plan_.to_result;
      const bool result32 = (result.is_signed ? result.width - 1 : result.width) <= 31;
      if (plan_.kind == DenseKernelKind::kWrap32 && !result32) {
        plan_.kind = DenseKernelKind::kFast64;  // the same parameters on int64 lanes
      }
      if (plan_.kind == DenseKernelKind::kWrap32 || plan_.kind == DenseKernelKind::kFast32) {
        w32_by_in_.assign(d.weights.begin(), d.weights.end());
        w32_by_out_.assign(w_by_out_.begin(), w_by_out_.end());
        bias32_.assign(bias_accum_.begin(), bias_accum_.end());
      }
    }
    return absl::OkStatus();
  }

  // Scratch: x32/y32/acc hold n_in / n_out values.
  void Run(const int64_t* x, int64_t* y, std::vector<int32_t>& x32, std::vector<int32_t>& y32,
           std::vector<uint32_t>& acc) const {
    const int n_in = d_.n_in, n_out = d_.n_out;
    switch (plan_.kind) {
      case DenseKernelKind::kWrap32:
      case DenseKernelKind::kFast32:
        for (int i = 0; i < n_in; ++i) x32[i] = static_cast<int32_t>(x[i]);
        if (plan_.kind == DenseKernelKind::kWrap32) {
          DenseWrap32Sample(x32.data(), w32_by_in_.data(), bias32_.data(), n_in, n_out, n_out,
                            plan_.wrap32, epilogue_, acc.data(), y32.data());
        } else {
          DenseFastBlock32(x32.data(), 1, w32_by_out_.data(), bias32_.data(), n_in, n_out,
                           plan_.params, epilogue_, y32.data());
        }
        for (int j = 0; j < n_out; ++j) y[j] = y32[j];
        return;
      case DenseKernelKind::kFast64:
        DenseFastBlock64(x, 1, w_by_out_.data(), bias_accum_.data(), n_in, n_out, plan_.params,
                         epilogue_, y);
        return;
      case DenseKernelKind::kGeneral:
        break;
    }
    const FixedType& acc_t = d_.accum_type;
    std::vector<int64_t> a(bias_accum_);
    auto mac = [&](int i, int j) {
      const Int128 p = WideRaw(in_, x[i]) *
                       WideRaw(d_.weight_type, w_by_out_[static_cast<size_t>(j) * n_in + i]);
      const int64_t pq = QuantizeScaled(acc_t, p, -product_shift_);
      a[j] = ApplyOverflow(acc_t, WideRaw(acc_t, a[j]) + WideRaw(acc_t, pq));
    };
    if (d_.resource_strategy) {
      for (auto [i, j] : resource_order_) mac(i, j);
    } else {
      for (int i = 0; i < n_in; ++i) {
        for (int j = 0; j < n_out; ++j) mac(i, j);
      }
    }
    for (int j = 0; j < n_out; ++j) y[j] = Convert(acc_t, a[j], result_);
  }

  // Block form: x[i * lanes + b] -> y[j * lanes + b] for every lane b < lanes (kSmallBlock or
  // kKernelBlock), on the block kernels; the exact path (kGeneral) one lane at a time.
  void RunBlock(const int64_t* x, int lanes, int64_t* y) const {
    const int n_in = d_.n_in, n_out = d_.n_out;
    const size_t n_x = static_cast<size_t>(n_in) * lanes, n_y = static_cast<size_t>(n_out) * lanes;
    thread_local std::vector<int32_t> x32, y32;
    thread_local std::vector<uint32_t> acc;
    thread_local std::vector<int64_t> xs, ys;
    switch (plan_.kind) {
      case DenseKernelKind::kWrap32:
      case DenseKernelKind::kFast32:
        if (x32.size() < n_x) x32.resize(n_x);
        if (y32.size() < n_y) y32.resize(n_y);
        NarrowRaws(x, x32.data(), n_x);
        if (plan_.kind == DenseKernelKind::kWrap32) {
          DenseWrap32Block(x32.data(), lanes, w32_by_out_.data(), bias32_.data(), n_in, n_out,
                           plan_.wrap32, epilogue_, y32.data());
        } else {
          DenseFastBlock32(x32.data(), lanes, w32_by_out_.data(), bias32_.data(), n_in, n_out,
                           plan_.params, epilogue_, y32.data());
        }
        WidenRaws(y32.data(), y, n_y);
        return;
      case DenseKernelKind::kFast64:
        if (plan_.mul32) {
          DenseMul32Block(x, lanes, w_by_out_.data(), bias_accum_.data(), n_in, n_out, plan_.params,
                          epilogue_, y);
        } else {
          DenseFastBlock64(x, lanes, w_by_out_.data(), bias_accum_.data(), n_in, n_out,
                           plan_.params, epilogue_, y);
        }
        return;
      case DenseKernelKind::kGeneral:
        break;
    }
    if (ordered_) {
      RunOrdered(x, lanes, y);
      return;
    }
    if (xs.size() < static_cast<size_t>(n_in)) xs.resize(n_in);
    if (ys.size() < static_cast<size_t>(n_out)) ys.resize(n_out);
    for (int b = 0; b < lanes; ++b) {
      for (int i = 0; i < n_in; ++i) xs[i] = x[static_cast<size_t>(i) * lanes + b];
      Run(xs.data(), ys.data(), x32, y32, acc);
      for (int j = 0; j < n_out; ++j) y[static_cast<size_t>(j) * lanes + b] = ys[j];
    }
  }

  // RunBlock on int32 lanes (x and y as its kernel takes them), for a plan on the int32 kernels.
  bool Lanes32() const {
    return plan_.kind == DenseKernelKind::kWrap32 || plan_.kind == DenseKernelKind::kFast32;
  }
  void RunBlock32(const int32_t* x, int lanes, int32_t* y) const {
    if (plan_.kind == DenseKernelKind::kWrap32) {
      DenseWrap32Block(x, lanes, w32_by_out_.data(), bias32_.data(), d_.n_in, d_.n_out,
                       plan_.wrap32, epilogue_, y);
    } else {
      DenseFastBlock32(x, lanes, w32_by_out_.data(), bias32_.data(), d_.n_in, d_.n_out,
                       plan_.params, epilogue_, y);
    }
  }

  int64_t macs() const { return static_cast<int64_t>(d_.n_in) * d_.n_out; }

 private:
  // resource_order_ visits the inputs of every output in ascending order.
  bool ResourceOrderAscending() const {
    std::vector<int> next(static_cast<size_t>(d_.n_out), 0);
    for (auto [i, j] : resource_order_) {
      if (i != next[j]) return false;
      ++next[j];
    }
    return true;
  }

  // The block form of Run's exact path in dense_resource's order, on ordered_'s int64 arithmetic.
  void RunOrdered(const int64_t* x, int lanes, int64_t* y) const {
    const int n_in = d_.n_in, n_out = d_.n_out;
    const DenseFastParams& p = ordered_->params;
    for (int j = 0; j < n_out; ++j) {
      std::fill_n(y + static_cast<size_t>(j) * lanes, lanes, bias_accum_[j]);
    }
    const bool clamp = p.overflow == AccumOverflow::kClamp;
    for (auto [i, j] : resource_order_) {
      const int64_t* xi = x + static_cast<size_t>(i) * lanes;
      const int64_t w = w_by_out_[static_cast<size_t>(j) * n_in + i];
      int64_t* aj = y + static_cast<size_t>(j) * lanes;
      if (clamp) {
        (ordered_mul32_ ? MacRowClamp32 : MacRowClamp)(xi, w, lanes, *ordered_term_, aj);
      } else {
        (ordered_mul32_ ? MacRowZero32 : MacRowZero)(xi, w, lanes, *ordered_term_, aj);
      }
    }
    ConvertRaws(*ordered_->to_result, y, y, static_cast<size_t>(n_out) * lanes);
  }

  DenseSpec d_;
  FixedType in_, result_;
  int product_shift_ = 0;
  std::vector<int64_t> bias_accum_, w_by_out_;
  std::vector<std::pair<int, int>> resource_order_;
  DensePlan plan_;
  std::optional<DensePlan> ordered_;  // kGeneral under dense_resource's order: see RunOrdered
  std::optional<OrderedTerm> ordered_term_;
  bool ordered_mul32_ = false;  // MacRow*32: x and w within int32
  DenseEpilogue epilogue_;
  std::vector<int32_t> w32_by_in_, w32_by_out_, bias32_;
};

// nnet::activation::{sigmoid,tanh,relu}<in_t, A, config>: raw of in_t -> raw of A.
class StepActivation {
 public:
  absl::Status Init(const LayerSpec& s, const ActivationSpec& a, const FixedType& accum,
                    absl::string_view what) {
    kind_ = a.kind;
    accum_ = accum;
    if (a.kind == ActivationKind::kRelu) return absl::OkStatus();
    if (a.kind != ActivationKind::kSigmoid && a.kind != ActivationKind::kTanh) {
      return Unimplemented(s, absl::StrCat(what,
                                           " must be sigmoid, tanh or relu "
                                           "(nnet_recr_activations.h)"));
    }
    if (!TypeOk(a.table_type)) {
      return Invalid(
          s, absl::StrCat(what, " table type ", a.table_type.ToString(), " is not supported"));
    }
    if (a.table_size < 2 || a.table_size > kMaxTableSize) {
      return Invalid(
          s, absl::StrCat(what, " table size ", a.table_size, " must be in 2..", kMaxTableSize));
    }
    table_size_ = a.table_size;
    range_ = a.kind == ActivationKind::kSigmoid ? 16 : 8;
    for (int64_t v :
         ActivationTable(a.kind == ActivationKind::kSigmoid, a.table_size, a.table_type)) {
      table_.push_back(Convert(a.table_type, v, accum));
    }
    return absl::OkStatus();
  }

  int64_t operator()(const FixedType& in, int64_t x) const {
    if (kind_ == ActivationKind::kRelu) return WideRaw(in, x) > 0 ? Convert(in, x, accum_) : 0;
    return table_[ActivationTableIndex(in, x, table_size_, range_)];
  }

  // operator()(in, .) over a row of raws in int64 arithmetic.
  class Row {
   public:
    void operator()(const int64_t* x, int64_t* y, int n) const {
      if (relu_) {
        ReluRaws(*relu_, x, y, static_cast<size_t>(n));
        return;
      }
      if (e_ > 0 && e_ < 63) {
        // Index without branches: truncation toward zero is floor((num + (2^e - 1 if num < 0))
        // / 2^e).
        const int e = e_, size = n_;
        const int64_t mask = (int64_t{1} << e) - 1, offset = offset_;
        for (int k = 0; k < n; ++k) {
          const int64_t num = x[k] * size;
          const int64_t q = (num + ((num >> 63) & mask)) >> e;
          const int64_t index = int64_t{static_cast<int32_t>(static_cast<uint32_t>(q))} + offset;
          y[k] = table_[std::clamp<int64_t>(index, 0, size - 1)];
        }
        return;
      }
      for (int k = 0; k < n; ++k) y[k] = table_[Index(x[k])];
    }

    // This row for the CellStep kernels; nullopt where the kernel's index arithmetic (0 < e < 63) does
    // not apply.
    std::optional<CellActivation> ForKernel() const {
      CellActivation a;
      if (relu_) {
        a.relu = true;
        a.relu_convert = VectorConvert::Of(*relu_);
        return a;
      }
      if (e_ <= 0 || e_ >= 63) return std::nullopt;
      a.table = table_;
      a.size = n_;
      a.offset = offset_;
      a.e = e_;
      return a;
    }

   private:
    friend class StepActivation;
    // ActivationTableIndex for |raw * n| < 2^62: the quotient truncated toward zero, then its
    // low 32 bits (as TableIndexRound's int32 cast), plus the offset, clamped.
    int Index(int64_t raw) const {
      const int64_t num = raw * n_;
      int64_t q;
      if (e_ <= 0) {
        q = -e_ >= 32 ? 0 : static_cast<int64_t>(static_cast<uint64_t>(num) << -e_);
      } else if (e_ >= 63) {
        q = 0;
      } else {
        q = num >= 0 ? num >> e_ : -((-num) >> e_);
      }
      const int32_t data_round = static_cast<int32_t>(static_cast<uint32_t>(q));
      return static_cast<int>(std::clamp<int64_t>(int64_t{data_round} + offset_, 0, n_ - 1));
    }
    std::optional<FastConvert> relu_;
    const int64_t* table_ = nullptr;
    int n_ = 0, e_ = 0;
    int64_t offset_ = 0;
  };
  // nullopt when `in` is too wide for Row's int64 arithmetic.
  std::optional<Row> RowFor(const FixedType& in) const {
    Row r;
    if (kind_ == ActivationKind::kRelu) {
      r.relu_ = MakeFastConvert(in, accum_);
      if (!r.relu_ || in.width > 62) return std::nullopt;
      return r;
    }
    // |raw| < 2^41 and n <= 2^20.
    if (in.width > 41) return std::nullopt;
    r.table_ = table_.data();
    r.n_ = table_size_;
    r.e_ = in.fractional_bits() + (range_ == 16 ? 4 : 3);
    r.offset_ = (range_ / 2) * table_size_ / range_;
    return r;
  }

 private:
  ActivationKind kind_ = ActivationKind::kRelu;
  FixedType accum_;
  int table_size_ = 0, range_ = 16;
  std::vector<int64_t> table_;
};

}  // namespace

// (network_vector_convert.h; here for want of a file of its own outside the AVX-512 builds.)
VectorConvert VectorConvert::Of(const FastConvert& c) {
  VectorConvert v;
  if (c.identity) return v;
  v.shift_right = c.shift_right;
  v.shift_left = c.shift_left;
  v.rc_pos = c.round_const;
  v.rc_neg = c.round_const_neg;
  v.conv_mask = c.conv_mask;
  switch (c.kind) {
    case FastOverflow::kWrapSigned:
      v.wrap_shift = 64 - c.width;
      break;
    case FastOverflow::kWrapUnsigned:
      if (c.width < 64) v.wrap_mask = (uint64_t{1} << c.width) - 1;
      break;
    case FastOverflow::kClamp:
      v.clamp_lo = c.lo;
      v.clamp_hi = c.hi;
      break;
    case FastOverflow::kZero:
      v.zero_lo = c.lo;
      v.zero_hi = c.hi;
      break;
  }
  return v;
}

bool VectorConvert::OverflowOnInt32() const {
  auto within = [](int64_t lo, int64_t hi) { return lo >= INT32_MIN && hi <= INT32_MAX; };
  const bool clamps = clamp_lo != INT64_MIN || clamp_hi != INT64_MAX;
  const bool zeroes = zero_lo != INT64_MIN || zero_hi != INT64_MAX;
  return shift_right == 0 && shift_left == 0 && rc_pos == 0 && rc_neg == 0 && conv_mask == 0 &&
         (wrap_shift == 0 || wrap_shift >= 32) &&
         (wrap_mask == ~uint64_t{0} || wrap_mask <= uint64_t{INT32_MAX}) &&
         (!clamps || within(clamp_lo, clamp_hi)) && (!zeroes || within(zero_lo, zero_hi));
}

namespace {

class RecurrentLayer final : public ExtraLayer {
 public:
  RecurrentLayer(const RecurrentSpec& r, const FixedType& in, const FixedType& res)
      : r_(r), in_(in), res_(res) {
    n_out_ = (r.return_sequences ? r.n_sequence : 1) * r.n_state;
  }

  absl::Status Init(const LayerSpec& s) {
    const RecurrentSpec& r = r_;
    const FixedType& a = r.accum_type;
    if (absl::Status st = input_.Init(s, r.input_dense, in_, a, "input"); !st.ok()) return st;
    if (absl::Status st = recurrent_.Init(s, r.recurrent_dense, res_, a, "recurrent"); !st.ok()) {
      return st;
    }
    if (absl::Status st = recr_act_.Init(s, r.recurrent_activation, a, "recurrent activation");
        !st.ok()) {
      return st;
    }
    if (absl::Status st = act_.Init(s, r.activation, a, "activation"); !st.ok()) return st;
    macs_ = r.n_sequence * (input_.macs() + recurrent_.macs());
    // Exact sums of products inside a step (c's and h's updates): every term aligned to f_mix_
    // fractional bits must fit kMaxExactBits.
    const int fa = a.fractional_bits(), fr = res_.fractional_bits();
    f_one_ = std::max(fa, 0);
    f_mix_ = std::max(2 * fa, fr + fa);
    f_gru_ = std::max(fa + f_one_, fr + fa);
    const int aw = a.width, rw = res_.width;
    const int bits = std::max({2 * aw + (f_mix_ - 2 * fa), rw + aw + (f_mix_ - fr - fa),
                               aw + (std::max(aw - fa, 1) + 1 + f_one_) + (f_gru_ - fa - f_one_),
                               rw + aw + (f_gru_ - fr - fa)}) +
                     2;
    if (bits > kMaxExactBits) {
      return Unimplemented(
          s, absl::StrCat("recurrent state update with ", a.ToString(), " and ", res_.ToString(),
                          " needs ", bits, " bits exactly; at most ", kMaxExactBits,
                          " are supported"));
    }
    PlanFastCell(bits);
    return absl::OkStatus();
  }

  void Run(const int64_t* const* xs, int64_t* y) const override {
    const RecurrentSpec& r = r_;
    const int n = r.n_state, gates = r.kind == RecurrentKind::kLstm ? 4 : 3;
    std::vector<int64_t> h(n, 0), c(n, 0), a(gates * n), b(gates * n);
    const size_t scratch = static_cast<size_t>(std::max({r.n_in, n, gates * n}));
    std::vector<int32_t> x32(scratch), y32(scratch);
    std::vector<uint32_t> acc(scratch);
    for (int t = 0; t < r.n_sequence; ++t) {
      input_.Run(xs[0] + static_cast<size_t>(t) * r.n_in, a.data(), x32, y32, acc);
      recurrent_.Run(h.data(), b.data(), x32, y32, acc);
      CellStep(a.data(), b.data(), h.data(), c.data(), 1);
      if (r.return_sequences) std::copy(h.begin(), h.end(), y + static_cast<size_t>(t) * n);
    }
    if (!r.return_sequences) std::copy(h.begin(), h.end(), y);
  }

  // Every step over the whole block: the dense products on the block kernels, the state update
  // row by row in int64 (FastCell) or lane by lane on CellStep. Every lane is computed (lanes past
  // `count` hold raws, so their outputs are raws too).
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    if (lanes != kSmallBlock && lanes != kKernelBlock) {
      ExtraLayer::RunBlock(xs, y, count, lanes);
      return;
    }
    if (kernel_ && input_.Lanes32() && recurrent_.Lanes32() && RunBlock32(xs[0], y, lanes)) return;
    const RecurrentSpec& r = r_;
    const int n = r.n_state, gates = r.kind == RecurrentKind::kLstm ? 4 : 3;
    const size_t row = static_cast<size_t>(lanes), state = static_cast<size_t>(n) * row;
    const size_t products = static_cast<size_t>(gates) * state;
    thread_local std::vector<int64_t> scratch;
    const size_t need = 2 * state + 2 * products + kFastRows * row;
    if (scratch.size() < need) scratch.resize(need);
    int64_t* h = scratch.data();
    int64_t* c = h + state;
    int64_t* a = c + state;
    int64_t* b = a + products;
    int64_t* rows = b + products;
    std::fill(h, h + 2 * state, 0);
    for (int t = 0; t < r.n_sequence; ++t) {
      input_.RunBlock(xs[0] + static_cast<size_t>(t) * r.n_in * row, lanes, a);
      recurrent_.RunBlock(h, lanes, b);
      if (kernel_ && KernelCellStep(a, b, h, c, lanes)) {
        // FastCellStep's bits, on the vector kernel.
      } else if (fast_) {
        FastCellStep(a, b, h, c, lanes, rows);
      } else {
        for (int lane = 0; lane < lanes; ++lane)
          CellStep(a + lane, b + lane, h + lane, c + lane, row);
      }
      if (r.return_sequences) std::copy(h, h + state, y + static_cast<size_t>(t) * state);
    }
    if (!r.return_sequences) std::copy(h, h + state, y);
  }

 private:
  // The planned kernel (kernel_) on kernel_isa_, int64 or int32 lanes.
  template <typename T>
  bool KernelCellStep(const T* a, const T* b, T* h, int64_t* c, int lanes) const {
    return kernel_isa_ == KernelIsa::kAvx512 ? CellStepAvx512(*kernel_, a, b, h, c, lanes)
                                             : CellStepAvx2(*kernel_, a, b, h, c, lanes);
  }

  // RunBlock where both dense products run on the int32 kernels and the step on the vector kernel:
  // the products and h stay in int32 lanes from step to step (no widening and narrowing around
  // every product). False (nothing written) when the kernel does not run.
  bool RunBlock32(const int64_t* x, int64_t* y, int lanes) const {
    const RecurrentSpec& r = r_;
    const int n = r.n_state, gates = r.kind == RecurrentKind::kLstm ? 4 : 3;
    const size_t row = static_cast<size_t>(lanes), state = static_cast<size_t>(n) * row;
    const size_t products = static_cast<size_t>(gates) * state;
    const size_t inputs = static_cast<size_t>(r.n_sequence) * r.n_in * row;
    thread_local std::vector<int32_t> scratch32;
    thread_local std::vector<int64_t> c;
    if (scratch32.size() < inputs + state + 2 * products)
      scratch32.resize(inputs + state + 2 * products);
    if (c.size() < state) c.resize(state);
    int32_t* x32 = scratch32.data();
    int32_t* h = x32 + inputs;
    int32_t* a = h + state;
    int32_t* b = a + products;
    std::fill_n(h, state, 0);
    std::fill_n(c.data(), state, 0);
    NarrowRaws(x, x32, inputs);  // raws of in_, within int32 on the int32 kernels
    for (int t = 0; t < r.n_sequence; ++t) {
      input_.RunBlock32(x32 + static_cast<size_t>(t) * r.n_in * row, lanes, a);
      recurrent_.RunBlock32(h, lanes, b);
      if (!KernelCellStep(a, b, h, c.data(), lanes)) return false;
      if (r.return_sequences) WidenRaws(h, y + static_cast<size_t>(t) * state, state);
    }
    if (!r.return_sequences) WidenRaws(h, y, state);
    return true;
  }

  // One step's state update for one sample, exactly: a and b the two dense products (gates * n
  // raws of A), h and c the state (n raws of R); value k of each at [k * stride].
  void CellStep(const int64_t* a, const int64_t* b, int64_t* h, int64_t* c, size_t stride) const {
    const RecurrentSpec& r = r_;
    const FixedType& a_t = r.accum_type;
    const int n = r.n_state;
    const int fa = a_t.fractional_bits(), fr = res_.fractional_bits();
    auto sum = [&](int k) {  // A(a + b): the same grid, so only overflow can act
      return ApplyOverflow(a_t, WideRaw(a_t, a[k * stride]) + WideRaw(a_t, b[k * stride]));
    };
    if (r.kind == RecurrentKind::kLstm) {
      for (int j = 0; j < n; ++j) {
        const int64_t i_g = recr_act_(a_t, sum(j));
        const int64_t f_g = recr_act_(a_t, sum(n + j));
        const int64_t g_g = act_(a_t, sum(2 * n + j));
        const int64_t o_g = recr_act_(a_t, sum(3 * n + j));
        int64_t& cj = c[j * stride];
        // c = R(g * i + c * f)
        const Int128 gi = (WideRaw(a_t, g_g) * WideRaw(a_t, i_g)) << (f_mix_ - 2 * fa);
        const Int128 cf = (WideRaw(res_, cj) * WideRaw(a_t, f_g)) << (f_mix_ - fr - fa);
        cj = QuantizeScaled(res_, gi + cf, fr - f_mix_);
        // h = R(o * act(c)), act reading c as R
        const int64_t ac = act_(res_, cj);
        h[j * stride] = QuantizeScaled(res_, WideRaw(a_t, o_g) * WideRaw(a_t, ac), fr - 2 * fa);
      }
      return;
    }
    const int z0 = r.pytorch_order ? n : 0, r0 = r.pytorch_order ? 0 : n;
    const Int128 one = Int128(1) << f_one_;
    for (int j = 0; j < n; ++j) {
      const int64_t z_g = recr_act_(a_t, sum(z0 + j));
      const int64_t r_g = recr_act_(a_t, sum(r0 + j));
      // n = act(A(a_n + A(r * b_n)))
      const int64_t rb = QuantizeScaled(
          a_t, WideRaw(a_t, r_g) * WideRaw(a_t, b[(2 * n + j) * stride]), fa - 2 * fa);
      const int64_t pre =
          ApplyOverflow(a_t, WideRaw(a_t, a[(2 * n + j) * stride]) + WideRaw(a_t, rb));
      const int64_t nn = act_(a_t, pre);
      // h = R(n * (1 - z) + h * z)
      int64_t& hj = h[j * stride];
      const Int128 z = WideRaw(a_t, z_g);
      const Int128 one_minus_z = one - (z << (f_one_ - fa));
      const Int128 t1 = (WideRaw(a_t, nn) * one_minus_z) << (f_gru_ - fa - f_one_);
      const Int128 t2 = (WideRaw(res_, hj) * z) << (f_gru_ - fr - fa);
      hj = QuantizeScaled(res_, t1 + t2, fr - f_gru_);
    }
  }

  // CellStep's arithmetic in int64 over rows of lanes: every intermediate is within `bits` <= 62
  // signed bits (the bound Init computes), and each rounding is a FastConvert from that exact
  // type, which computes Convert's (QuantizeScaled's) bits.
  struct FastCell {
    FastConvert sum;                              // A(a + b), exact at fa
    FastConvert to_c;                             // LSTM c: R(. at f_mix)
    FastConvert to_h;                             // LSTM h: R(. at 2 fa); GRU h: R(. at f_gru)
    FastConvert to_rb;                            // GRU: A(r * b_n at 2 fa)
    StepActivation::Row recr, act, act_of_state;  // act_of_state: act reading R (LSTM's c)
  };
  static constexpr int kFastRows = 5;  // the rows of scratch FastCellStep uses

  void PlanFastCell(int bits) {
    if (bits > 62) return;
    const FixedType& a_t = r_.accum_type;
    const int fa = a_t.fractional_bits();
    std::optional<FastConvert> sum = MakeFastConvert(ExactType(bits, fa), a_t);
    std::optional<FastConvert> to_c = MakeFastConvert(ExactType(bits, f_mix_), res_);
    std::optional<FastConvert> to_h =
        MakeFastConvert(ExactType(bits, r_.kind == RecurrentKind::kLstm ? 2 * fa : f_gru_), res_);
    std::optional<FastConvert> to_rb = MakeFastConvert(ExactType(bits, 2 * fa), a_t);
    std::optional<StepActivation::Row> recr = recr_act_.RowFor(a_t), act = act_.RowFor(a_t);
    std::optional<StepActivation::Row> act_of_state = act_.RowFor(res_);
    if (!sum || !to_c || !to_h || !to_rb || !recr || !act || !act_of_state) return;
    fast_ = FastCell{*sum, *to_c, *to_h, *to_rb, *recr, *act, *act_of_state};
    PlanKernel();
  }

  // FastCellStep on the CellStep kernel of the best instruction set this CPU has (AVX-512F or
  // AVX2) where every multiplied operand lies within int32: raws of A and R (gates, states,
  // products), and GRU's 1 - z.
  void PlanKernel() {
    const FastCell& f = *fast_;
    const FixedType& a_t = r_.accum_type;
    const int fa = a_t.fractional_bits();
    kernel_isa_ = BestKernelIsa();
    if (kernel_isa_ == KernelIsa::kPortable || a_t.width > 31 || res_.width > 31) return;
    const int s_z = f_one_ - fa;
    if (r_.kind == RecurrentKind::kGru && (f_one_ > 29 || a_t.width + s_z > 29)) return;
    std::optional<CellActivation> recr = f.recr.ForKernel(), act = f.act.ForKernel(),
                                  act_of_state = f.act_of_state.ForKernel();
    if (!recr || !act || !act_of_state) return;
    CellPlan p;
    p.lstm = r_.kind == RecurrentKind::kLstm;
    p.n_state = r_.n_state;
    p.sum = VectorConvert::Of(f.sum);
    p.to_c = VectorConvert::Of(f.to_c);
    p.to_h = VectorConvert::Of(f.to_h);
    p.to_rb = VectorConvert::Of(f.to_rb);
    p.recr = *recr;
    p.act = *act;
    p.act_of_state = *act_of_state;
    const int fr = res_.fractional_bits();
    p.s_gi = f_mix_ - 2 * fa;
    p.s_cf = f_mix_ - fr - fa;
    p.z0 = r_.pytorch_order ? r_.n_state : 0;
    p.r0 = r_.pytorch_order ? 0 : r_.n_state;
    p.s_z = s_z;
    p.s_t1 = f_gru_ - fa - f_one_;
    p.s_t2 = f_gru_ - fr - fa;
    p.one = int64_t{1} << f_one_;
    // The gates' sums and table indexes in int32 lanes: a + b exact there (raws of A within 30
    // bits), the sum's conversion an overflow step only, every |x * size| below 2^31.
    auto index32 = [&](const CellActivation& g) {
      return g.relu || (g.e <= 30 && (int64_t{1} << a_t.width) * g.size < (int64_t{1} << 31));
    };
    p.gates32 = a_t.width <= 30 && p.sum.OverflowOnInt32() && index32(p.recr) && index32(p.act);
    kernel_ = p;
  }

  // CellStep for every lane: a, b rows k at [k * lanes], h, c rows j at [j * lanes]; `rows` is
  // kFastRows rows of scratch.
  void FastCellStep(const int64_t* a, const int64_t* b, int64_t* h, int64_t* c, int lanes,
                    int64_t* rows) const {
    const FastCell& f = *fast_;
    const RecurrentSpec& r = r_;
    const int n = r.n_state;
    const int fa = r.accum_type.fractional_bits(), fr = res_.fractional_bits();
    const size_t row = static_cast<size_t>(lanes);
    auto at = [&](const int64_t* p, int k) { return p + static_cast<size_t>(k) * row; };
    // Gate k: act(A(a_k + b_k)) into out.
    auto gate = [&](const StepActivation::Row& act, int k, int64_t* out) {
      const int64_t* ak = at(a, k);
      const int64_t* bk = at(b, k);
      for (int q = 0; q < lanes; ++q) out[q] = ak[q] + bk[q];
      ConvertRaws(f.sum, out, out, row);
      act(out, out, lanes);
    };
    int64_t* g0 = rows;
    int64_t* g1 = g0 + row;
    int64_t* g2 = g1 + row;
    int64_t* g3 = g2 + row;
    int64_t* wide = g3 + row;
    if (r.kind == RecurrentKind::kLstm) {
      const int s_gi = f_mix_ - 2 * fa, s_cf = f_mix_ - fr - fa;
      for (int j = 0; j < n; ++j) {
        gate(f.recr, j, g0);          // i
        gate(f.recr, n + j, g1);      // f
        gate(f.act, 2 * n + j, g2);   // g
        gate(f.recr, 3 * n + j, g3);  // o
        int64_t* cj = c + j * row;
        for (int q = 0; q < lanes; ++q) {
          wide[q] = static_cast<int64_t>(static_cast<uint64_t>(g2[q] * g0[q]) << s_gi) +
                    static_cast<int64_t>(static_cast<uint64_t>(cj[q] * g1[q]) << s_cf);
        }
        ConvertRaws(f.to_c, wide, cj, row);
        f.act_of_state(cj, g0, lanes);  // act(c), reading c as R
        for (int q = 0; q < lanes; ++q) wide[q] = g3[q] * g0[q];
        ConvertRaws(f.to_h, wide, h + j * row, row);
      }
      return;
    }
    const int z0 = r.pytorch_order ? n : 0, r0 = r.pytorch_order ? 0 : n;
    const int64_t one = int64_t{1} << f_one_;
    const int s_z = f_one_ - fa, s_t1 = f_gru_ - fa - f_one_, s_t2 = f_gru_ - fr - fa;
    for (int j = 0; j < n; ++j) {
      gate(f.recr, z0 + j, g0);  // z
      gate(f.recr, r0 + j, g1);  // r
      const int64_t* an = at(a, 2 * n + j);
      const int64_t* bn = at(b, 2 * n + j);
      for (int q = 0; q < lanes; ++q) wide[q] = g1[q] * bn[q];
      ConvertRaws(f.to_rb, wide, g2, row);  // A(r * b_n)
      for (int q = 0; q < lanes; ++q) g2[q] += an[q];
      ConvertRaws(f.sum, g2, g2, row);
      f.act(g2, g2, lanes);  // n
      int64_t* hj = h + j * row;
      for (int q = 0; q < lanes; ++q) {
        const int64_t one_minus_z = one - static_cast<int64_t>(static_cast<uint64_t>(g0[q]) << s_z);
        wide[q] = static_cast<int64_t>(static_cast<uint64_t>(g2[q] * one_minus_z) << s_t1) +
                  static_cast<int64_t>(static_cast<uint64_t>(hj[q] * g0[q]) << s_t2);
      }
      ConvertRaws(f.to_h, wide, hj, row);
    }
  }

  RecurrentSpec r_;
  FixedType in_, res_;
  StepDense input_, recurrent_;
  StepActivation recr_act_, act_;
  int f_one_ = 0, f_mix_ = 0, f_gru_ = 0;
  std::optional<FastCell> fast_;    // CellStep in int64 when exact for these types
  std::optional<CellPlan> kernel_;  // FastCellStep on KernelCellStep (PlanKernel)
  KernelIsa kernel_isa_ = KernelIsa::kPortable;
};

// nnet::bidirectional_stack: two recurrent layers, the second over the reversed steps.
class BidirectionalLayer final : public ExtraLayer {
 public:
  BidirectionalLayer(std::unique_ptr<ExtraLayer> forward, std::unique_ptr<ExtraLayer> backward,
                     int n_sequence, int n_in, int n_forward, int n_backward, bool sequences)
      : forward_(std::move(forward)),
        backward_(std::move(backward)),
        n_sequence_(n_sequence),
        n_in_(n_in),
        n_forward_(n_forward),
        n_backward_(n_backward),
        sequences_(sequences) {
    n_out_ = (sequences ? n_sequence : 1) * (n_forward + n_backward);
    macs_ = forward_->macs() + backward_->macs();
  }

  void Run(const int64_t* const* xs, int64_t* y) const override {
    const size_t steps = static_cast<size_t>(n_sequence_);
    std::vector<int64_t> reversed(steps * n_in_);
    for (size_t t = 0; t < steps; ++t) {
      std::copy_n(xs[0] + (steps - 1 - t) * n_in_, n_in_, reversed.data() + t * n_in_);
    }
    const size_t out_steps = sequences_ ? steps : 1;
    std::vector<int64_t> f(out_steps * n_forward_), b(out_steps * n_backward_);
    forward_->Run(xs, f.data());
    const int64_t* backward_in = reversed.data();
    backward_->Run(&backward_in, b.data());
    const size_t width = static_cast<size_t>(n_forward_ + n_backward_);
    for (size_t t = 0; t < out_steps; ++t) {
      // The backward output of reversed step s belongs to step steps - 1 - s.
      const size_t s = sequences_ ? steps - 1 - t : 0;
      std::copy_n(f.data() + t * n_forward_, n_forward_, y + t * width);
      std::copy_n(b.data() + s * n_backward_, n_backward_, y + t * width + n_forward_);
    }
  }

  // Run's arrangement with rows of lanes in place of values.
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    const size_t steps = static_cast<size_t>(n_sequence_), row = static_cast<size_t>(lanes);
    const size_t step_rows = static_cast<size_t>(n_in_) * row;
    const size_t out_steps = sequences_ ? steps : 1;
    const size_t f_rows = static_cast<size_t>(n_forward_) * row;
    const size_t b_rows = static_cast<size_t>(n_backward_) * row;
    thread_local std::vector<int64_t> scratch;
    const size_t need = steps * step_rows + out_steps * (f_rows + b_rows);
    if (scratch.size() < need) scratch.resize(need);
    int64_t* reversed = scratch.data();
    int64_t* f = reversed + steps * step_rows;
    int64_t* b = f + out_steps * f_rows;
    for (size_t t = 0; t < steps; ++t) {
      std::copy_n(xs[0] + (steps - 1 - t) * step_rows, step_rows, reversed + t * step_rows);
    }
    forward_->RunBlock(xs, f, count, lanes);
    const int64_t* backward_in = reversed;
    backward_->RunBlock(&backward_in, b, count, lanes);
    for (size_t t = 0; t < out_steps; ++t) {
      const size_t s = sequences_ ? steps - 1 - t : 0;
      int64_t* yt = y + t * (f_rows + b_rows);
      std::copy_n(f + t * f_rows, f_rows, yt);
      std::copy_n(b + s * b_rows, b_rows, yt + f_rows);
    }
  }

 private:
  std::unique_ptr<ExtraLayer> forward_, backward_;
  int n_sequence_, n_in_, n_forward_, n_backward_;
  bool sequences_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileRecurrent(const LayerSpec& s,
                                                             const RecurrentSpec& r,
                                                             const LayerInput& in) {
  if (!r.backward.empty()) {
    if (r.backward.size() != 1) return Invalid(s, "a bidirectional layer has one backward RNN");
    RecurrentSpec forward = r;
    forward.backward.clear();
    RecurrentSpec backward = r.backward.front();
    if (!backward.backward.empty() || backward.n_in != r.n_in ||
        backward.n_sequence != r.n_sequence || backward.return_sequences != r.return_sequences) {
      return Invalid(s,
                     "the backward RNN must read the forward one's steps (n_in, n_sequence, "
                     "return_sequences)");
    }
    absl::StatusOr<std::unique_ptr<ExtraLayer>> f = CompileRecurrent(s, forward, in);
    if (!f.ok()) return f.status();
    absl::StatusOr<std::unique_ptr<ExtraLayer>> b = CompileRecurrent(s, backward, in);
    if (!b.ok()) return b.status();
    return std::make_unique<BidirectionalLayer>(*std::move(f), *std::move(b), r.n_sequence, r.n_in,
                                                r.n_state, backward.n_state, r.return_sequences);
  }
  constexpr int kMaxDim = 1 << 15;
  for (auto [name, v] :
       {std::pair{"n_in", r.n_in}, {"n_state", r.n_state}, {"n_sequence", r.n_sequence}}) {
    if (v < 1 || v > kMaxDim) {
      return Invalid(s, absl::StrCat(name, " = ", v, " must be within 1..", kMaxDim));
    }
  }
  if (static_cast<int64_t>(r.n_in) * r.n_sequence != in.size) {
    return Invalid(s, absl::StrCat("n_sequence * n_in = ", int64_t{r.n_sequence} * r.n_in,
                                   " values but its input has ", in.size));
  }
  if (static_cast<int64_t>(r.n_sequence) * r.n_state > (int64_t{1} << 26)) {
    return Invalid(s, "output too large");
  }
  if (!TypeOk(r.accum_type)) {
    return Invalid(s, absl::StrCat("accum type ", r.accum_type.ToString(), " is not supported"));
  }
  const int gates = (r.kind == RecurrentKind::kLstm ? 4 : 3) * r.n_state;
  if (r.input_dense.n_in != r.n_in || r.input_dense.n_out != gates ||
      r.recurrent_dense.n_in != r.n_state || r.recurrent_dense.n_out != gates) {
    return Invalid(
        s, absl::StrCat("dense products ", r.input_dense.n_in, " -> ", r.input_dense.n_out, " and ",
                        r.recurrent_dense.n_in, " -> ", r.recurrent_dense.n_out, "; expected ",
                        r.n_in, " -> ", gates, " and ", r.n_state, " -> ", gates));
  }
  auto layer = std::make_unique<RecurrentLayer>(r, in.type, s.result_type);
  if (absl::Status st = layer->Init(s); !st.ok()) return st;
  return layer;
}

}  // namespace fpgaas::numerics::internal
