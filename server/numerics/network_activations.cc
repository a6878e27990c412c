// The table activations of nnet_activation.h / nnet_activation_stream.h beyond sigmoid and tanh
// (softplus, softsign, elu, selu), binary/ternary tanh and nnet::embedding (a table read by the
// input value), one sample at a time on raw values.
// Each output is a precomputed res_t value picked by an integer index, so Run does no arithmetic
// beyond the index.
#include <algorithm>
#include <cmath>
#include <cstdint>
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
#include "server/numerics/network_table_rows_kernel.h"
#include "server/util/cpu_dispatch.h"

namespace fpgaas::numerics::internal {
namespace {

constexpr int kMaxExactBits = 120;

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}
absl::Status Unimplemented(const LayerSpec& s, absl::string_view why) {
  return absl::UnimplementedError(absl::StrCat("layer \"", s.name, "\": ", why));
}

// init_<f>_table: the entry's argument and value computed as nnet_activation.h does (float
// argument; std::exp/std::log on float or double as the header's expressions promote), then
// converted to table_t.
float TableValue(ActivationKind kind, int k, int n) {
  switch (kind) {
    case ActivationKind::kSoftplus: {
      const float in_val = static_cast<float>(2 * 8.0 * (k - float(n) / 2.0) / float(n));
      return static_cast<float>(std::log(std::exp(in_val) + 1.));
    }
    case ActivationKind::kSoftsign: {
      const float in_val = static_cast<float>(2 * 8.0 * (k - float(n) / 2.0) / float(n));
      return static_cast<float>(in_val / (std::abs(in_val) + 1.));
    }
    case ActivationKind::kElu: {
      const float in_val = static_cast<float>(-8.0 * k / float(n));
      return static_cast<float>(std::exp(in_val) - 1.);
    }
    case ActivationKind::kSelu: {
      const float in_val = static_cast<float>(-8.0 * k / float(n));
      return static_cast<float>(1.0507009873554804934193349852946 *
                                (1.6732632423543772848170429916717 * (std::exp(in_val) - 1.)));
    }
    default:
      return 0;
  }
}

// int index = x * N / -8 (ap_fixed product, division truncating toward zero, then the int
// conversion), for x < 0: trunc(|x| N / 8), which the caller has bounded below 2^31.
int64_t NegativeIndex(const FixedType& t, int64_t raw, int n) {
  const Int128 num = -WideRaw(t, raw) * n;  // > 0
  const int e = t.fractional_bits() + 3;
  if (e <= -40) return int64_t{1} << 62;  // beyond any int (only the caller's bound reads it)
  const Int128 q = e <= 0 ? num << -e : e >= 127 ? 0 : num >> e;
  return q > (Int128(1) << 62) ? int64_t{1} << 62 : static_cast<int64_t>(q);
}

// GCC's generic tuning vectorizes no gathers, so the row functions below compute the table
// indexes (and elu's positive side) in a vectorized pass over a chunk, then read the table in a
// plain scalar pass.
constexpr size_t kTableChunk = 256;

// softplus/softsign over n values: y[k] = out[ActivationTableIndex(in, x[k], table_size, 16)] in
// int64 arithmetic (|x * table_size| < 2^60; shift = F + 4 within -63..62): x * N / 16 toward
// zero, its low 32 bits as an int, plus N / 2, clamped to the table.
FPGAAS_NUMERICS_CLONES void SigmoidLikeRows(const int64_t* x, size_t n, int64_t table_size,
                                            int shift, const int64_t* out, int64_t* y) {
  const int64_t half = table_size / 2, last = table_size - 1;
  const int left = shift <= 0 ? -shift : 0, right = shift > 0 ? shift : 0;
  const int64_t round = (int64_t{1} << right) - 1;  // toward zero
  int64_t index[kTableChunk];
  for (size_t k0 = 0; k0 < n; k0 += kTableChunk) {
    const size_t m = std::min(kTableChunk, n - k0);
    const int64_t* xc = x + k0;
    for (size_t k = 0; k < m; ++k) {
      const int64_t num = xc[k] * table_size;
      const int64_t q =
          static_cast<int64_t>(static_cast<uint64_t>(num + (num < 0 ? round : 0)) << left) >> right;
      index[k] = std::clamp<int64_t>(int64_t{static_cast<int32_t>(q)} + half, 0, last);
    }
    for (size_t k = 0; k < m; ++k) y[k0 + k] = out[index[k]];
  }
}

// elu/selu over n values: y[k] = x[k] >= 0 ? positive(x[k] * factor) : out[NegativeIndex(in, x[k],
// table_size) clamped to the table] in int64 arithmetic (|x * table_size| < 2^60; shift = F + 3).
template <FastOverflow kKind>
inline __attribute__((always_inline)) void EluRowsLoop(const int64_t* x, size_t n,
                                                       const FastConvert& positive, int64_t factor,
                                                       int64_t table_size, int shift,
                                                       const int64_t* out, int64_t* y) {
  const ConvertConsts c(positive);
  const int64_t last = table_size - 1;
  // shift <= 0: q = num > limit ? last : num << left; else q = num >> right (0 from 63 on).
  const int left = shift <= 0 && -shift < 40 ? -shift : 0;
  const int64_t limit = shift > 0 ? INT64_MAX : -shift >= 40 ? -1 : last >> left;
  const int right = shift > 0 ? std::min(shift, 63) : 0;
  int64_t index[kTableChunk];  // the table entry, or -1 to keep the positive side
  for (size_t k0 = 0; k0 < n; k0 += kTableChunk) {
    const size_t m = std::min(kTableChunk, n - k0);
    const int64_t* xc = x + k0;
    int64_t* yc = y + k0;
    for (size_t k = 0; k < m; ++k) {
      const int64_t num = -xc[k] * table_size;  // > 0 where x < 0, the lanes that read the table
      const int64_t q =
          num > limit ? last : static_cast<int64_t>(static_cast<uint64_t>(num) << left) >> right;
      index[k] = xc[k] >= 0 ? -1 : std::min(q, last);
      yc[k] = ConvertValue<kKind>(c, xc[k] * factor);
    }
    for (size_t k = 0; k < m; ++k) {  // branch-free (random signs): masks, not a select
      const int64_t i = index[k];
      const int64_t table = ~(i >> 63);  // all ones where the table is read
      yc[k] = (out[i & table] & table) | (yc[k] & ~table);
    }
  }
}
FPGAAS_NUMERICS_CLONES void EluRows(const int64_t* x, size_t n, const FastConvert& positive,
                                    int64_t factor, int64_t table_size, int shift,
                                    const int64_t* out, int64_t* y) {
  switch (positive.kind) {
    case FastOverflow::kWrapSigned:
      return EluRowsLoop<FastOverflow::kWrapSigned>(x, n, positive, factor, table_size, shift, out,
                                                    y);
    case FastOverflow::kWrapUnsigned:
      return EluRowsLoop<FastOverflow::kWrapUnsigned>(x, n, positive, factor, table_size, shift,
                                                      out, y);
    case FastOverflow::kClamp:
      return EluRowsLoop<FastOverflow::kClamp>(x, n, positive, factor, table_size, shift, out, y);
    case FastOverflow::kZero:
      return EluRowsLoop<FastOverflow::kZero>(x, n, positive, factor, table_size, shift, out, y);
  }
}

// y[k] = table[(x[k] + offset) & mask]: a whole activation read by the input raw (DirectTable).
// The mask keeps a raw outside the input type (which no block holds) inside the table.
template <typename Entry>
void DirectRows(const Entry* table, int64_t offset, uint64_t mask, const int64_t* x, size_t n,
                int64_t* y) {
#pragma GCC unroll 8
  for (size_t k = 0; k < n; ++k) y[k] = table[static_cast<uint64_t>(x[k] + offset) & mask];
}

// binary_tanh / ternary_tanh over n values of x (ternary: x_T(2 x) when doubling, already in v):
// y[k] = v[k] > hi ? plus : v[k] > lo ? zero : minus (binary: lo = hi, zero unused).
FPGAAS_NUMERICS_CLONES void ThresholdRows(const int64_t* v, size_t n, int64_t hi, int64_t lo,
                                          int64_t plus, int64_t zero, int64_t minus, int64_t* y) {
  for (size_t k = 0; k < n; ++k) y[k] = v[k] > hi ? plus : v[k] > lo ? zero : minus;
}

class TableActivation final : public ExtraLayer {
 public:
  using Op = int64_t (*)(const TableActivation&, int64_t);
  TableActivation(int n, FixedType in, Op op) : in_(in), op_(op) { n_out_ = n; }
  void Run(const int64_t* const* xs, int64_t* y) const override {
    for (int i = 0; i < n_out_; ++i) y[i] = op_(*this, xs[0][i]);
  }
  // Each output reads only its own input, so the block is the op over every value of every lane
  // (lanes past the last sample hold raws of the input type, so they get raws of res_t).
  void RunBlock(const int64_t* const* xs, int64_t* y, int /*count*/, int lanes) const override {
    const size_t n = static_cast<size_t>(n_out_) * lanes;
    const int64_t* x = xs[0];
    if (direct_) {
      const DirectTable& d = *direct_;
      if (d.narrow.empty()) {
        DirectRows(d.wide.data(), d.offset, d.mask, x, n, y);
      } else {
        DirectRows(d.narrow.data(), d.offset, d.mask, x, n, y);
      }
      return;
    }
    if (rows_kernel_ && rows_kernel_fn_(*rows_kernel_, x, n, y)) return;
    if (int64_index_) {
      SigmoidLikeRows(x, n, table_size_, index_shift_, out_.data(), y);
      return;
    }
    if (elu_positive_) {
      EluRows(x, n, *elu_positive_, plain_positive_ ? 1 : static_cast<int64_t>(factor_),
              table_size_, index_shift_, out_.data(), y);
      return;
    }
    if (thresholds_) {
      const Thresholds& t = *thresholds_;
      if (t.doubled) {  // ternary io_parallel: x_T(2 x)
        for (size_t k = 0; k < n; ++k) y[k] = 2 * x[k];
        ConvertRaws(*t.doubled, y, y, n);
        x = y;
      }
      ThresholdRows(x, n, t.hi, t.lo, plus_, zero_, minus_, y);
      return;
    }
    for (size_t k = 0; k < n; ++k) y[k] = op_(*this, x[k]);
  }
  bool RunsWideBlocks() const override { return true; }  // every form is over n values
  // The table activations of an input of at most kDirectBits bits: op_ evaluated once for every
  // raw of in_ (exact by construction), in int16 entries where every output fits them. One load
  // per value, where the index arithmetic and the table's gather cost several vector operations.
  void PlanDirect() {
    constexpr int kDirectBits = 16;
    if (in_.width > kDirectBits) return;
    const int64_t lo = static_cast<int64_t>(MinRaw(in_));
    const size_t size = size_t{1} << in_.width;
    DirectTable d;
    d.offset = -lo;
    d.mask = size - 1;
    d.wide.resize(size);
    bool fits16 = true;
    for (size_t i = 0; i < size; ++i) {
      const int64_t v = op_(*this, lo + static_cast<int64_t>(i));
      if (v < INT32_MIN || v > INT32_MAX) return;
      d.wide[i] = static_cast<int32_t>(v);
      fits16 = fits16 && v >= INT16_MIN && v <= INT16_MAX;
    }
    if (fits16) {
      d.narrow.assign(d.wide.begin(), d.wide.end());
      d.wide.clear();
    }
    direct_ = std::move(d);
  }
  // binary/ternary: Binary / Ternary as thresholds on int64 raws (input width <= 60, and for the
  // doubling a recipe for x_T(2 x)).
  void PlanThresholds(bool binary) {
    if (in_.width > 60) return;
    Thresholds t;
    if (binary) {
      t.hi = t.lo = zero_positive_ ? -1 : 0;  // x >= 0 or x > 0
      thresholds_ = t;
      return;
    }
    if (doubles_) {
      FixedType twice;  // 2 x exactly
      twice.width = in_.width + 2;
      twice.integer_bits = in_.integer_bits + 2;
      twice.is_signed = true;
      t.doubled = MakeFastConvert(twice, in_);
      if (!t.doubled) return;
    }
    // Ternary's above(c): v > c * 2^F exactly; F < 0: a nonzero v is at least 2 in magnitude;
    // F > 61: |v| < 2^59 is below 1 in magnitude.
    const int f = in_.fractional_bits();
    t.hi = f < 0 ? 0 : f > 61 ? INT64_MAX : int64_t{1} << f;
    t.lo = f < 0 ? -1 : f > 61 ? INT64_MIN : -(int64_t{1} << f);
    thresholds_ = t;
  }
  // softplus/softsign: ActivationTableIndex(in_, x, table_size_, 16) in int64 arithmetic, exact
  // when int64_index_ is set (|x * table_size| < 2^60, the shift within -63..62).
  void PlanInt64Index() {
    index_shift_ = in_.fractional_bits() + 4;  // x * N / 16 in units of 2^-F
    int64_index_ = in_.width <= 40 && index_shift_ > -64 && index_shift_ < 63;
    if (int64_index_) PlanRowsKernel(false, 1);
  }
  // elu/selu: EluLike in int64 arithmetic, exact when elu_positive_ is set (input width <= 40,
  // so |x * table_size| < 2^60; the positive product within 61 bits).
  void PlanInt64Elu(const FixedType& param_type) {
    if (in_.width > 40) return;
    index_shift_ = in_.fractional_bits() + 3;  // -x * N / 8 in units of 2^-F
    if (plain_positive_) {
      elu_positive_ = MakeFastConvert(in_, res_);
      if (elu_positive_) PlanRowsKernel(true, 1);
      return;
    }
    const int bits = param_type.width + in_.width + 1;
    if (bits > 61) return;
    // factor * x, exactly
    elu_positive_ = MakeFastConvert(
        ExactType(bits, in_.fractional_bits() + param_type.fractional_bits()), res_);
    if (elu_positive_ && factor_ >= INT32_MIN && factor_ <= INT32_MAX) {
      PlanRowsKernel(true, static_cast<int64_t>(factor_));
    }
  }
  // SigmoidLikeRows / EluRows on the rows kernel of the best instruction set this CPU has
  // (AVX-512F or AVX2), where the raws lie within [-2^30, 2^31) and the index is a right shift.
  void PlanRowsKernel(bool elu, int64_t factor) {
    rows_kernel_fn_ = KernelFor<TableRowsFn>(BestKernelIsa(), TableRowsAvx512, TableRowsAvx2);
    if (rows_kernel_fn_ == nullptr || in_.width > 31 || index_shift_ < 1 || index_shift_ > 62) {
      return;
    }
    TableRowsPlan p;
    p.elu = elu;
    p.out = out_.data();
    p.table_size = table_size_;
    p.shift = index_shift_;
    if (elu) p.positive = VectorConvert::Of(*elu_positive_);
    p.factor = factor;
    rows_kernel_ = p;
  }

  FixedType in_, res_;
  Op op_;
  int table_size_ = 0;
  std::vector<int64_t> out_;  // res_t value of each table entry (alpha * entry for elu)
  // elu/selu positive branch: res_t(factor * x) with the factor's raw value and shift.
  Int128 factor_ = 0;
  int factor_shift_ = 0;
  bool plain_positive_ = false;  // elu: res_t(x)
  // binary/ternary: res_t(+1), res_t(-1), res_t(0).
  int64_t plus_ = 0, minus_ = 0, zero_ = 0;
  bool zero_positive_ = false, doubles_ = false;
  bool int64_index_ = false;                 // RunBlock: SigmoidLike by SigmoidLikeRows
  std::optional<FastConvert> elu_positive_;  // RunBlock: EluLike by EluRows
  std::optional<TableRowsPlan> rows_kernel_;  // RunBlock: the two above on rows_kernel_fn_
  TableRowsFn rows_kernel_fn_ = nullptr;
  struct Thresholds {
    int64_t hi = 0, lo = 0;
    std::optional<FastConvert> doubled;  // ternary io_parallel: x_T(2 x)
  };
  std::optional<Thresholds> thresholds_;  // RunBlock: Binary / Ternary by ThresholdRows
  struct DirectTable {
    int64_t offset = 0;  // raw + offset: the entry's index
    uint64_t mask = 0;
    std::vector<int16_t> narrow;  // one of the two
    std::vector<int32_t> wide;
  };
  std::optional<DirectTable> direct_;  // RunBlock: softplus/softsign/elu/selu by DirectRows
  int index_shift_ = 0;
};

int64_t SigmoidLike(const TableActivation& l, int64_t x) {
  return l.out_[ActivationTableIndex(l.in_, x, l.table_size_, 16)];
}

int64_t EluLike(const TableActivation& l, int64_t x) {
  const Int128 v = WideRaw(l.in_, x);
  if (v >= 0) {
    return l.plain_positive_ ? Convert(l.in_, x, l.res_)
                             : QuantizeScaled(l.res_, l.factor_ * v, l.factor_shift_);
  }
  const int64_t index = NegativeIndex(l.in_, x, l.table_size_);
  return l.out_[index > l.table_size_ - 1 ? l.table_size_ - 1 : index];
}

int64_t Binary(const TableActivation& l, int64_t x) {
  const Int128 v = WideRaw(l.in_, x);
  return (l.zero_positive_ ? v >= 0 : v > 0) ? l.plus_ : l.minus_;
}

int64_t Ternary(const TableActivation& l, int64_t x) {
  const FixedType& t = l.in_;
  Int128 v = WideRaw(t, x);
  // io_parallel: datareg = 2 * data[ii] into data_T (the same fractional bits, data_T's overflow).
  if (l.doubles_) v = WideRaw(t, ApplyOverflow(t, 2 * v));
  // Both versions: > 1 gives 1, else > -1 gives 0, else -1 (exact comparisons of v * 2^-F).
  const int f = t.fractional_bits();
  auto above = [&](int c) {
    if (f < 0) return v > 0 || (v == 0 && c < 0);  // a nonzero value is a multiple of 2^-f >= 2
    if (f > 100) return c < 0;                      // |v| < 2^64: |value| < 1
    return v > c * (Int128(1) << f);
  };
  if (above(1)) return l.plus_;
  return above(-1) ? l.zero_ : l.minus_;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTableActivation(const LayerSpec& s,
                                                                   const ActivationSpec& act,
                                                                   const LayerInput& in) {
  if (in.size != act.n) {
    return Invalid(s, absl::StrCat("activation n = ", act.n, " values but its input has ",
                                   in.size));
  }
  const FixedType it = in.type, res = s.result_type;
  const int n = act.table_size;
  const bool table = act.kind == ActivationKind::kSoftplus ||
                     act.kind == ActivationKind::kSoftsign || act.kind == ActivationKind::kElu ||
                     act.kind == ActivationKind::kSelu;
  if (table && (n < 2 || n > (1 << 20))) {
    return Invalid(s, absl::StrCat("table size ", n, " must be within 2..1048576"));
  }
  TableActivation::Op op = nullptr;
  switch (act.kind) {
    case ActivationKind::kSoftplus:
    case ActivationKind::kSoftsign:
      op = SigmoidLike;
      break;
    case ActivationKind::kElu:
    case ActivationKind::kSelu:
      op = EluLike;
      break;
    case ActivationKind::kBinaryTanh:
      op = Binary;
      break;
    case ActivationKind::kTernaryTanh:
      op = Ternary;
      break;
    default:
      return Invalid(s, "not a table activation");
  }
  auto layer = std::make_unique<TableActivation>(act.n, it, op);
  layer->res_ = res;
  layer->table_size_ = n;
  if (table) {
    const FixedType& tt = act.table_type;
    if (tt.width < 1 || tt.width > 64) return Invalid(s, "table type is not a supported type");
    const bool elu = act.kind == ActivationKind::kElu;
    if (elu || act.kind == ActivationKind::kSelu) {
      const FixedType& pt = act.param_type;
      if (pt.width < 1 || pt.width > 64) return Invalid(s, "alpha/lambda type is not supported");
      if (WrapToWidth(pt, act.param) != act.param) {
        return Invalid(s, absl::StrCat("alpha/lambda ", act.param, " is not a raw value of ",
                                       pt.ToString()));
      }
      if (pt.width + std::max(it.width, tt.width) > kMaxExactBits) {
        return Unimplemented(s, "alpha/lambda products are too wide");
      }
      // The most negative input's index must fit an int (else hls4ml reads outside its table).
      if (it.is_signed &&
          NegativeIndex(it, static_cast<int64_t>(MinRaw(it)), n) >= (int64_t{1} << 31)) {
        return Unimplemented(s, absl::StrCat("input type ", it.ToString(), " with ", n,
                                             " table entries: the table index overflows an int"));
      }
      layer->factor_ = WideRaw(pt, act.param);
      layer->factor_shift_ = res.fractional_bits() - (it.fractional_bits() + pt.fractional_bits());
      layer->plain_positive_ = elu;
    }
    layer->out_.resize(n);
    for (int k = 0; k < n; ++k) {
      absl::StatusOr<int64_t> entry = FromDouble(tt, TableValue(act.kind, k, n));
      const int64_t e = entry.ok() ? *entry : 0;
      if (elu) {
        const FixedType& pt = act.param_type;
        layer->out_[k] = QuantizeScaled(res, WideRaw(pt, act.param) * WideRaw(tt, e),
                                        res.fractional_bits() -
                                            (pt.fractional_bits() + tt.fractional_bits()));
      } else {
        layer->out_[k] = Convert(tt, e, res);
      }
    }
    if (op == SigmoidLike) layer->PlanInt64Index();
    if (op == EluLike) layer->PlanInt64Elu(act.param_type);
    layer->PlanDirect();
  } else {
    FixedType int2;
    int2.width = 2;
    int2.integer_bits = 2;
    layer->plus_ = Convert(int2, 1, res);
    const bool bit = act.kind == ActivationKind::kBinaryTanh && act.binary_bit_result;
    layer->minus_ = bit ? 0 : Convert(int2, -1, res);
    layer->zero_ = Convert(int2, 0, res);
    layer->zero_positive_ = act.binary_zero_positive;
    layer->doubles_ = act.ternary_doubles;
    layer->PlanThresholds(act.kind == ActivationKind::kBinaryTanh);
  }
  return layer;
}

namespace {

// nnet::embedding over a block: y[(j * n_out + i) * lanes + b] = out[k], or 0 for k outside the
// table, with k = trunc0(x * n_out + i) for x = x[j * lanes + b] of F = f, computed in int64 units
// of 2^-max(f, 0) (the caller checks they fit 61 bits). Branch-free: masks select the entry.
FPGAAS_NUMERICS_CLONES void EmbeddingRows(const int64_t* x, int n_in, int n_out, int lanes, int f,
                                          const int64_t* out, int64_t size, int64_t* y) {
  const int left = f < 0 ? -f : 0, right = f > 0 ? f : 0;
  const int64_t round = (int64_t{1} << right) - 1;  // toward zero
  const size_t n = static_cast<size_t>(lanes);
  if (right == 0) {
    // k = base + i: each sample reads one row of n_out entries (all inside the table or none,
    // as size is a multiple of n_out; checked entry by entry otherwise).
    for (int j = 0; j < n_in; ++j) {
      const int64_t* xj = x + static_cast<size_t>(j) * n;
      int64_t* yj = y + static_cast<size_t>(j) * n_out * n;
      for (size_t b = 0; b < n; ++b) {
        const int64_t base = (xj[b] * n_out) << left;
        if (base >= 0 && base <= size - n_out) {
          const int64_t* row = out + base;
          for (int i = 0; i < n_out; ++i) yj[static_cast<size_t>(i) * n + b] = row[i];
        } else {
          for (int i = 0; i < n_out; ++i) {
            const int64_t k = base + i;
            yj[static_cast<size_t>(i) * n + b] = k >= 0 && k < size ? out[k] : 0;
          }
        }
      }
    }
    return;
  }
  for (int j = 0; j < n_in; ++j) {
    const int64_t* xj = x + static_cast<size_t>(j) * n;
    for (int i = 0; i < n_out; ++i) {
      int64_t* yr = y + (static_cast<size_t>(j) * n_out + i) * n;
      const int64_t at_i = int64_t{i} << right;
      for (size_t b = 0; b < n; ++b) {
        const int64_t num = ((xj[b] * n_out) << left) + at_i;
        const int64_t k = (num + (num < 0 ? round : 0)) >> right;
        const int64_t inside = -static_cast<int64_t>(k >= 0 && k < size);  // all ones or 0
        yr[b] = out[k & inside] & inside;
      }
    }
  }
}

class EmbeddingLayer final : public ExtraLayer {
 public:
  EmbeddingLayer(const EmbeddingSpec& e, const FixedType& in, const FixedType& res)
      : e_(e), in_(in) {
    n_out_ = e.n_in * e.n_out;
    for (int64_t v : e.embeddings) out_.push_back(Convert(e.embeddings_type, v, res));
    // The block form's int64 bound: |x * n_out| << max(-f, 0) and i << max(f, 0) within 61 bits.
    int n_out_bits = 0;
    while ((int64_t{1} << n_out_bits) < e.n_out) ++n_out_bits;
    const int f = in.fractional_bits();
    int64_rows_ = !out_.empty() && in.width <= 40 &&
                  in.width + n_out_bits + std::max(-f, 0) <= 61 &&
                  n_out_bits + std::max(f, 0) <= 61;
  }
  void RunBlock(const int64_t* const* xs, int64_t* y, int count, int lanes) const override {
    if (!int64_rows_) {
      ExtraLayer::RunBlock(xs, y, count, lanes);
      return;
    }
    EmbeddingRows(xs[0], e_.n_in, e_.n_out, lanes, in_.fractional_bits(), out_.data(),
                  static_cast<int64_t>(out_.size()), y);
  }
  void Run(const int64_t* const* xs, int64_t* y) const override {
    const int f = in_.fractional_bits();
    const Int128 size = static_cast<Int128>(out_.size());
    for (int j = 0; j < e_.n_in; ++j) {
      const Int128 x = WideRaw(in_, xs[0][j]);
      for (int i = 0; i < e_.n_out; ++i) {
        // trunc0(x * n_out + i): exact in units of 2^-f (f may be negative).
        Int128 k;
        if (f <= 0) {
          k = -f >= 40 ? (x == 0 ? Int128(i) : size) : x * e_.n_out * (Int128(1) << -f) + i;
        } else if (f >= 100) {
          // |x * n_out * 2^-f| < 1: the sum lies in (i - 1, i + 1); toward zero.
          k = i == 0 ? 0 : x >= 0 ? Int128(i) : Int128(i - 1);
        } else {
          const Int128 num = x * e_.n_out + (Int128(i) << f);
          k = num >= 0 ? num >> f : -((-num) >> f);
        }
        y[j * e_.n_out + i] = k >= 0 && k < size ? out_[static_cast<size_t>(k)] : 0;
      }
    }
  }

 private:
  EmbeddingSpec e_;
  FixedType in_;
  std::vector<int64_t> out_;
  bool int64_rows_ = false;  // RunBlock by EmbeddingRows
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileEmbedding(const LayerSpec& s,
                                                             const EmbeddingSpec& e,
                                                             const LayerInput& in) {
  if (e.n_in < 1 || e.n_out < 1 || e.vocab_size < 1 || e.n_out > (1 << 20) ||
      e.vocab_size > (1 << 26) / e.n_out || int64_t{e.n_in} * e.n_out > (int64_t{1} << 26)) {
    return Invalid(s, absl::StrCat("embedding n_in ", e.n_in, ", n_out ", e.n_out,
                                   ", vocab_size ", e.vocab_size, " out of range"));
  }
  if (in.size != e.n_in) {
    return Invalid(s, absl::StrCat("embedding n_in = ", e.n_in, " but its input has ", in.size));
  }
  const FixedType& t = e.embeddings_type;
  if (t.width < 1 || t.width > 64) return Invalid(s, "embeddings type is not supported");
  if (e.embeddings.size() != static_cast<size_t>(e.vocab_size) * e.n_out) {
    return Invalid(s, absl::StrCat(e.embeddings.size(), " embeddings; expected vocab_size * n_out = ",
                                   int64_t{e.vocab_size} * e.n_out));
  }
  for (size_t k = 0; k < e.embeddings.size(); ++k) {
    if (WrapToWidth(t, e.embeddings[k]) != e.embeddings[k]) {
      return Invalid(s, absl::StrCat("embeddings[", k, "] is not a raw value of ", t.ToString()));
    }
  }
  return std::make_unique<EmbeddingLayer>(e, in.type, s.result_type);
}

}  // namespace fpgaas::numerics::internal
