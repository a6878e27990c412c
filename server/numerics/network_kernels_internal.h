// Private to server/numerics: the vectorizable inner loops of the network executor. A block of
// `lanes` samples is stored feature-major (x[f * lanes + b]); lanes is 1 (one sample: the layout is
// the sample itself, kernels vectorize across outputs), kSmallBlock or kKernelBlock (kernels
// vectorize across samples). Hot loops are compiled for several instruction sets and picked at run
// time (GCC target_clones); the default clone is plain x86-64/portable C++ and computes the same
// bits.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics::internal {

inline constexpr int kKernelBlock = 64;  // samples per block for large batches
inline constexpr int kSmallBlock = 16;   // one 512-bit vector of int32 lanes
// Batches (or batch tails) below this many samples run one sample at a time (lanes = 1).
inline constexpr int kMinSmallBlockSamples = 6;

enum class DenseKernelKind {
  kGeneral,  // exact scalar path (what no kernel below can compute exactly)
  kWrap32,   // AP_WRAP accum, int32 lanes mod 2^32 (width + product shift <= 32), TRN/RND/RND_MIN_INF
  kFast32,   // DenseFastBlock on int32 lanes (every Q mode, WRAP/SAT/SAT_ZERO/SAT_SYM accum)
  kFast64,   // DenseFastBlock on int64 lanes (products up to 62 bits, or mod 2^64 under AP_WRAP)
};

enum class FastOverflow { kWrapSigned, kWrapUnsigned, kClamp, kZero };

// A conversion from_t -> to_t computable in int64 arithmetic:
// v = ((x + rc(x)) >> shift_right) << shift_left, then the overflow kind to `width` bits /
// [lo, hi], with rc(x) = (x < 0 ? round_const_neg : round_const) + ((x >> shift_right) & conv_mask)
// (every Q mode: TRN 0; RND 2^(s-1); RND_MIN_INF 2^(s-1)-1; RND_INF 2^(s-1) / 2^(s-1)-1 for
// negative x; RND_ZERO the reverse; TRN_ZERO 0 / 2^s-1; RND_CONV 2^(s-1)-1 plus the floor's low
// bit). Exact when MakeFastConvert returns it (any Q mode, any overflow mode but AP_WRAP with
// N > 0, every intermediate within 63 bits).
struct FastConvert {
  int shift_right = 0;
  int shift_left = 0;
  int64_t round_const = 0;      // added to sources >= 0
  int64_t round_const_neg = 0;  // added to sources < 0
  int64_t conv_mask = 0;        // 1 under AP_RND_CONV with shift_right > 0
  FastOverflow kind = FastOverflow::kWrapSigned;
  int width = 64;
  int64_t lo = 0, hi = 0;
  bool identity =
      false;  // every raw of from_t is unchanged (same F, to_t's range contains from_t's)
};
std::optional<FastConvert> MakeFastConvert(const FixedType& from, const FixedType& to);

// Bits of a raw's magnitude: |raw| <= 2^MagnitudeBits(t) for every raw of t.
inline int MagnitudeBits(const FixedType& t) { return t.is_signed ? t.width - 1 : t.width; }

// The signed type holding every value of `bits` magnitude-and-sign bits at f fractional bits:
// the source type of a FastConvert over an exact int64 intermediate (a sum or a product).
inline FixedType ExactType(int bits, int f) {
  FixedType t;
  t.width = bits;
  t.integer_bits = bits - f;
  t.is_signed = true;
  return t;
}

// One value through a FastConvert (the scalar form of ConvertBlock's fast loops).
inline int64_t FastConvertOne(const FastConvert& c, int64_t x) {
  const int64_t rc =
      (x < 0 ? c.round_const_neg : c.round_const) + ((x >> c.shift_right) & c.conv_mask);
  const int64_t v =
      static_cast<int64_t>(static_cast<uint64_t>((x + rc) >> c.shift_right) << c.shift_left);
  switch (c.kind) {
    case FastOverflow::kWrapSigned: {
      const int unused = 64 - c.width;
      return static_cast<int64_t>(static_cast<uint64_t>(v) << unused) >> unused;
    }
    case FastOverflow::kWrapUnsigned:
      return c.width == 64
                 ? v
                 : static_cast<int64_t>(static_cast<uint64_t>(v) & ((uint64_t{1} << c.width) - 1));
    case FastOverflow::kClamp:
      return v < c.lo ? c.lo : (v > c.hi ? c.hi : v);
    case FastOverflow::kZero:
      return (v < c.lo || v > c.hi) ? 0 : v;
  }
  return v;
}

// A FastConvert's constants as locals of a caller's loop (never aliased by its stores, so they
// stay in registers), and one value through it with the overflow kind fixed (FastConvertOne's
// arithmetic). Always inlined: each target_clones clone compiles its own copy.
struct ConvertConsts {
  __attribute__((always_inline)) explicit ConvertConsts(const FastConvert& c)
      : shift_right(c.shift_right),
        shift_left(c.shift_left),
        unused(64 - c.width),
        rc_pos(c.round_const),
        rc_neg(c.round_const_neg),
        conv(c.conv_mask),
        lo(c.lo),
        hi(c.hi),
        mask(c.width == 64 ? ~uint64_t{0} : (uint64_t{1} << c.width) - 1) {}
  int shift_right, shift_left, unused;
  int64_t rc_pos, rc_neg, conv, lo, hi;
  uint64_t mask;
};
template <FastOverflow kKind>
inline __attribute__((always_inline)) int64_t ConvertValue(const ConvertConsts& c, int64_t x) {
  const int64_t rc = (x < 0 ? c.rc_neg : c.rc_pos) + ((x >> c.shift_right) & c.conv);
  const int64_t v =
      static_cast<int64_t>(static_cast<uint64_t>((x + rc) >> c.shift_right) << c.shift_left);
  if constexpr (kKind == FastOverflow::kWrapSigned) {
    return static_cast<int64_t>(static_cast<uint64_t>(v) << c.unused) >> c.unused;
  } else if constexpr (kKind == FastOverflow::kWrapUnsigned) {
    return static_cast<int64_t>(static_cast<uint64_t>(v) & c.mask);
  } else if constexpr (kKind == FastOverflow::kClamp) {
    return v < c.lo ? c.lo : (v > c.hi ? c.hi : v);
  } else {
    return (v < c.lo || v > c.hi) ? 0 : v;
  }
}

// How a product p becomes accum units (with rc(p) as in FastConvert's formula): kLeft: p <<
// shift_left (shift_right is 0: no rounding); kTrn: p >> shift_right (rc = 0); kConst:
// (p + round_const) >> shift_right; kSign: rc by p's sign; kConv: rc plus bit shift_right of p.
// Every kind but kLeft has shift_left 0. Each is its own kernel instantiation, so a MAC does only
// the operations its kind needs. kNoShift is never planned: the int32 wrap and mul32 kernels take
// it for kLeft with shift_left 0 (term = p, e.g. accumulators wider than the product).
enum class ProductRounding { kLeft, kTrn, kConst, kSign, kConv, kNoShift };

// Per-product quantization of the wrap kernels: term = ((x * w + round_const) >> shift_right)
// << shift_left, all arithmetic mod 2^32; the sum wraps to acc_width bits (signed or not).
// rounding: kLeft, kTrn or kConst (as ProductRounding's).
struct DenseProductQuant {
  ProductRounding rounding = ProductRounding::kLeft;
  int shift_right = 0;
  int shift_left = 0;
  int32_t round_const = 0;
  int acc_width = 32;
  bool acc_signed = true;
};

// What happens to each accumulator after the sum: y = result(acc), then optionally a following
// batch norm layer fused in (BatchNormBlock's arithmetic: y = bn_result((y * bn_scale[j] <<
// bn_shift_left) + bn_bias[j]) for output j), then optionally a following relu layer:
// y = y > 0 ? relu_result(y) : 0. The int32 kernels' results must fit int32.
struct DenseEpilogue {
  FastConvert to_result;
  const int64_t* bn_scale = nullptr;  // n_out scale raws; null: no batch norm
  const int64_t* bn_bias = nullptr;   // BatchNormPlan::bias_aligned
  int bn_shift_left = 0;
  // The result raws and bn_scale values fit int32: x * s as a 32x32->64 multiply (vpmuldq) rather
  // than an emulated 64-bit one (AVX2 and AVX-512F have no 64-bit vector multiply).
  bool bn_mul32 = false;
  // > 0: for every output, result raw x and its scale s, |(x * s << bn_shift_left) + bias| <
  // 2^(bn_sum_bits - 1) <= 2^28 (BatchNormSumBits): the int32 kernels' batch norm in int32 lanes.
  int bn_sum_bits = 0;
  FastConvert bn_result;
  bool relu = false;
  FastConvert relu_result;
};

// acc[j] = wrap(bias[j] + sum_i term(x[i], w[j][i])) for every lane; y[j] = epilogue(acc[j]).
// Exact for AP_WRAP accumulators: the wrapped sum equals the wrap of the exact sum of the
// per-product-quantized terms, whatever the order.
// Block form: x[i * lanes + b], y[j * lanes + b], weights by output w_by_out[j * n_in + i];
// lanes is kSmallBlock or kKernelBlock.
void DenseWrap32Block(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseProductQuant& q, const DenseEpilogue& e,
                      int32_t* y);
// One-sample form: x[i], y[j], weights in latency layout w_by_in[i * stride + j] with zero weights
// in the columns n_out..stride (a stride that is a multiple of the vector width leaves the inner
// loop without a scalar remainder); `acc` is scratch of `stride` values.
void DenseWrap32Sample(const int32_t* x, const int32_t* w_by_in, const int32_t* bias, int n_in,
                       int n_out, int stride, const DenseProductQuant& q, const DenseEpilogue& e,
                       uint32_t* acc, int32_t* y);

// ---------------------------------------------------------------------------------------------
// General fast dense kernels (kFast32 / kFast64): per-layer functions with explicit parameters,
// usable by any executor that holds a block of samples feature-major.

// What accum_t's overflow mode does to each product and to each partial sum. kClampSum / kZeroSum:
// kClamp / kZero where no product term can leave [lo, hi] (NarrowForWeights), so only the sums are
// clamped / zeroed.
enum class AccumOverflow { kWrap, kClamp, kZero, kClampSum, kZeroSum };

// term = accum_t(x * w): q = ((p + rc(p)) >> shift_right) << shift_left with p = x * w, then
// (kClamp) clamped to [lo, hi] / (kZero) 0 outside it / (kWrap) kept mod 2^bits. acc = bias; for
// each input i in order: acc = accum_t(acc + term) the same way. Finally y = epilogue(acc), with
// kWrap sums first wrapped to acc_width bits (acc_signed).
struct DenseFastParams {
  int shift_right = 0, shift_left = 0;
  int64_t round_const = 0, round_const_neg = 0;
  ProductRounding rounding = ProductRounding::kLeft;
  AccumOverflow overflow = AccumOverflow::kWrap;
  int acc_width = 32;
  bool acc_signed = true;
  int64_t lo = 0, hi = 0;  // accum_t's range (AP_SAT_SYM: lo = -hi)
  // Saturating accumulators on blocks of lanes: for output j and chunk c of kSatChunk inputs,
  // chunk_abs_w[j * ceil(n_in / kSatChunk) + c] = sum of |w| over the chunk (capped at 2^62), from
  // PlanDeferredSaturation; null: every partial sum is clamped / zeroed.
  std::shared_ptr<const std::vector<int64_t>> chunk_abs_w;
  // Products through the FPU (PlanFmaProducts): the weights, in the kernel's w_by_out order, as
  // scaled floats; null when the layer's products do not qualify.
  std::shared_ptr<const std::vector<float>> fma_weights;
  // Sums in doubles (PlanFmaProducts): the weights times 2^shift_left as doubles, in w_by_out
  // order; null when some partial sum could leave 2^51 or the layer rounds its products.
  std::shared_ptr<const std::vector<double>> f64_weights;
};

// Deferred saturation. hls4ml clamps (zeroes) every partial sum of a saturating accumulator, and a
// clamped partial sum changes the later ones, so a kernel may skip the step only where no partial
// sum can leave [lo, hi]. The block kernels sum the inputs in chunks of kSatChunk; before a chunk
// of output j they bound its terms: with M = max |x| over the block's inputs and A the chunk's
// chunk_abs_w, every term has |t| <= floor(M * |w| / 2^shift_right) + 1 (0 <= rc < 2^shift_right;
// kLeft: |t| = (M * |w|) << shift_left), so the chunk moves the sum by at most U (ChunkSatBound).
// When every lane's sum lies in [lo + U, hi - U], every partial sum of the chunk stays in [lo, hi],
// the clamp (zeroing) is the identity and the chunk sums with plain adds; otherwise it takes the
// per-product step. kClamp / kZero (terms that may leave the range) also need [-U, U] within
// [lo, hi] for the term's own clamp to be the identity. Either way the bits are hls4ml's. 16 (was
// 8): half the checks (at 8, about 15 % of a chunk's vector operations by count); measured +3-10 %
// on kernel_grid_bench's o_sat* points.
inline constexpr int kSatChunk = 16;
// U for a chunk of `terms` products: floor(M * A / 2^shift_right) + terms (shift_right > 0) or
// (M * A) << shift_left; at least 2^62 when that does not fit (the chunk then never defers).
inline int64_t ChunkSatBound(int64_t max_abs_x, int64_t abs_w_sum, int shift_right, int shift_left,
                             int terms) {
  constexpr unsigned __int128 kCap = static_cast<unsigned __int128>(1) << 62;
  unsigned __int128 m =
      static_cast<unsigned __int128>(max_abs_x) * static_cast<uint64_t>(abs_w_sum);
  if (m >= kCap) return static_cast<int64_t>(kCap);
  // m < 2^62 and shift_left <= 61: m << shift_left fits 128 bits.
  m = shift_right > 0 ? (m >> shift_right) + static_cast<unsigned>(terms) : m << shift_left;
  return static_cast<int64_t>(m < kCap ? m : kCap);
}

// Decides whether a dense layer (input type, weight type, accum type, result type) runs on a fast
// kernel, which one, and with which parameters. `resource_order_matters`: the layer uses
// dense_resource's summation order (only AP_WRAP accumulators may then take a fast kernel).
// Returns kGeneral when no kernel is exact for these types.
struct DensePlan {
  DenseKernelKind kind = DenseKernelKind::kGeneral;
  // kFast64 with both operands within int32: products by 32x32->64 multiplies (vpmuldq).
  bool mul32 = false;
  DenseFastParams params;         // kFast32 / kFast64
  DenseProductQuant wrap32;       // kWrap32
  std::optional<FastConvert> to_result;  // accum_t -> result_t (set for kFast32 / kFast64)
};
DensePlan PlanDense(const FixedType& in, const FixedType& weight, const FixedType& accum,
                    const FixedType& result, bool resource_order_matters);
// kClamp -> kClampSum, kZero -> kZeroSum when accum_t(x * w) lies in accum_t's range for every
// raw x of `in` and every one of these weights (exact: the term is a non-decreasing function of
// x * w in every Q mode, so its extremes are those of x = min and max of `in`).
void NarrowForWeights(const FixedType& in, const std::vector<int64_t>& weights, DensePlan& plan);
// Sets plan.params.chunk_abs_w (deferred saturation) for a kFast32 / kFast64 plan with a
// saturating accumulator; w_by_out[j * n_in + i] as the kernels take them.
void PlanDeferredSaturation(const std::vector<int64_t>& w_by_out, int n_in, int n_out,
                            DensePlan& plan);
// Sets plan.params.fma_weights when every product term is exact through one float FMA
// (network_dense_fma_impl.h): a kFast32 plan, or kFast64 with mul32, whose products round
// AP_RND_CONV, AP_TRN or sign-dependently (AP_TRN_ZERO, AP_RND_ZERO, AP_RND_INF; or AP_RND, on
// kFast64) with shift_right > 0, an accumulator of at most 32 bits (30 when it saturates),
// |x| <= 2^24 for every raw x of `in`, |w| <= 2^24 and |x * w| <= 2^(shift_right + 22)
// (2^(shift_right + 21) under AP_RND, 2^(shift_right + 24) under the sign-dependent ones); the
// floats are the weights times 2^-shift_right (2^(1 - shift_right) under AP_RND).
// DenseFastBlock32 and DenseMul32Block then run the FPU kernel (AVX-512F, or AVX2 and FMA) where
// the CPU has it.
// Also sets plan.params.f64_weights for a kFast64 plan with mul32 whose products are not rounded
// (shift_right 0), under AP_WRAP, when every partial sum lies within 2^51: |bias| < 2^acc_width
// plus 2^MagnitudeBits(in) times the largest sum of one output's |w| times 2^shift_left (n_in
// inputs per output). DenseMul32Block then sums in doubles, which are exact there.
void PlanFmaProducts(const FixedType& in, const std::vector<int64_t>& w_by_out, int n_in,
                     DensePlan& plan);

// A wide block's rows (x[i * lanes + b], lanes a multiple of kKernelBlock) as lanes / kKernelBlock
// blocks of kKernelBlock lanes, part p's row i at y[(p * rows + i) * kKernelBlock + b]: the
// kernels of kKernelBlock lanes then run on each part. WidenRawsFromParts is the inverse.
void NarrowRawsToParts(const int64_t* x, int rows, int lanes, int32_t* y);
void WidenRawsFromParts(const int32_t* x, int rows, int lanes, int64_t* y);

// The taps of every output pixel of a depthwise convolution, in the window's (kh, kw) order and
// only those inside the image: pixel q's taps are k in [first[q], first[q + 1]), tap k reads the
// input pixel whose values start at in_value[k] * lanes and the weights from w0[k] (its first
// channel's).
struct DepthwiseTaps {
  std::vector<int> first;
  std::vector<size_t> in_value, w0;
};

// Every output pixel q of a depthwise convolution on int32 lanes, for types whose DensePlan's MAC
// fits int32 (kFast32, or kWrap32 with its params): for every channel ch < n_chan and lane
// b < kKernelBlock, acc = bias[ch] (accum raws), then for each tap k of q in order
// acc = FastMac(acc, in[taps.in_value[k] * kKernelBlock + ch * kKernelBlock + b],
// weights[taps.w0[k] + ch]) (DenseFastParams's arithmetic), and
// y[q * out_stride + ch * kKernelBlock + b] = to_result(accum_t(acc)).
void DepthwisePixels32(const int32_t* in, const DepthwiseTaps& taps, const int32_t* weights,
                       const int32_t* bias, int n_chan, size_t out_stride, const DenseFastParams& p,
                       const FastConvert& to_result, int64_t* y);

// Block form as DenseWrap32Block (x[i * lanes + b], w_by_out[j * n_in + i], y[j * lanes + b]),
// lanes 1, kSmallBlock or kKernelBlock; bias in accum raws. Results must fit the lane type.
void DenseFastBlock32(const int32_t* x, int lanes, const int32_t* w_by_out, const int32_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int32_t* y);
void DenseFastBlock64(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int64_t* y);

// DenseFastBlock64 for a plan with mul32 (x and w_by_out hold int32 values): lanes kSmallBlock or
// kKernelBlock run the best instruction set this CPU has (explicit AVX-512F / AVX2 kernels built
// from network_dense64_avx512.cc / network_dense64_avx2.cc), otherwise DenseFastBlock64.
void DenseMul32Block(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                     int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                     int64_t* y);
// The same on one instruction set (tests compare each against the generic path). kAvx2/kAvx512
// are usable when KernelIsaAvailable says so: built in (a build without -mavx2/-mavx512f on those
// files has only the portable kernel) and supported by this CPU.
enum class KernelIsa { kPortable, kAvx2, kAvx512 };
bool KernelIsaAvailable(KernelIsa isa);
// The widest one available (kPortable when neither is). The explicit kernels of the other layers
// (depthwise, table activations, recurrent cells, layer norm, the block unpack) are built for
// AVX-512F and AVX2 in the same files' pairs and picked by it.
KernelIsa BestKernelIsa();
// One of an explicit kernel's two builds for isa: avx512 on kAvx512, avx2 on kAvx2, null on
// kPortable.
template <typename Fn>
Fn KernelFor(KernelIsa isa, Fn avx512, Fn avx2) {
  return isa == KernelIsa::kAvx512 ? avx512 : isa == KernelIsa::kAvx2 ? avx2 : nullptr;
}
void DenseMul32BlockOn(KernelIsa isa, const int64_t* x, int lanes, const int64_t* w_by_out,
                       const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                       const DenseEpilogue& e, int64_t* y);
// The ISA-specific kernels (network_dense64_avx2.cc / _avx512.cc): false when the file was built
// without its instruction set (nothing was computed).
bool DenseMul32Avx2(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                    int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                    int64_t* y);
bool DenseMul32Avx512(const int64_t* x, int lanes, const int64_t* w_by_out, const int64_t* bias,
                      int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                      int64_t* y);
bool DenseMul32Avx2Built();
bool DenseMul32Avx512Built();
// DenseFastBlock32 / DenseMul32Block for a plan with fma_weights (w_scaled: those floats), lanes
// a multiple of 16 up to kKernelBlock; false (nothing computed) otherwise or when the file was
// built without its instruction set (AVX2 and FMA; AVX-512F), which the CPU must have
// (DenseFmaIsa).
bool DenseFmaBlock32Avx2(const int32_t* x, int lanes, const float* w_scaled, const int32_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int32_t* y);
bool DenseFmaBlock64Avx2(const int64_t* x, int lanes, const float* w_scaled, const int64_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int64_t* y);
bool DenseFmaAvx2Built();
bool DenseFmaBlock32Avx512(const int32_t* x, int lanes, const float* w_scaled, const int32_t* bias,
                           int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                           int32_t* y);
bool DenseFmaBlock64Avx512(const int64_t* x, int lanes, const float* w_scaled, const int64_t* bias,
                           int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                           int64_t* y);
bool DenseFmaAvx512Built();
// DenseMul32Block for a plan with f64_weights (wd: those doubles), lanes a multiple of 16 up to
// kKernelBlock; false (nothing computed) otherwise or without the instruction set, as above.
bool DenseF64BlockAvx2(const int64_t* x, int lanes, const double* wd, const int64_t* bias, int n_in,
                       int n_out, const DenseFastParams& p, const DenseEpilogue& e, int64_t* y);
bool DenseF64BlockAvx512(const int64_t* x, int lanes, const double* wd, const int64_t* bias,
                         int n_in, int n_out, const DenseFastParams& p, const DenseEpilogue& e,
                         int64_t* y);
// The int32 kernels' epilogue of one output row without a fused batch norm (e.bn_scale null): n
// sums (accum_t raws, or under kWrap sums mod 2^32 wrapped here to acc_width bits) -> result_t,
// then the relu, in int32 arithmetic where that is exact (network_dense32.cc).
void OnePassEpilogue32(const DenseFastParams& p, const DenseEpilogue& e, const int32_t* sum,
                       size_t n, int32_t* y);
// The int32 kernels' epilogue of output j with a fused batch norm (e.bn_scale set) in int32
// passes, where every step's values fit them (DenseEpilogue::bn_sum_bits); false (nothing
// written) otherwise. sum as OnePassEpilogue32's.
bool BatchNormEpilogue32(const DenseFastParams& p, const DenseEpilogue& e, int j,
                         const int32_t* sum, size_t n, int32_t* y);
// The widest FPU kernel built for this CPU: kAvx512 (AVX-512F), kAvx2 (AVX2 and FMA), or
// kPortable (none).
KernelIsa DenseFmaIsa();
// One of them on isa (false: nothing computed, as above; always on kPortable).
bool DenseFmaBlockOn(KernelIsa isa, const int32_t* x, int lanes, const float* w_scaled,
                     const int32_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int32_t* y);
bool DenseFmaBlockOn(KernelIsa isa, const int64_t* x, int lanes, const float* w_scaled,
                     const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int64_t* y);
bool DenseF64BlockOn(KernelIsa isa, const int64_t* x, int lanes, const double* wd,
                     const int64_t* bias, int n_in, int n_out, const DenseFastParams& p,
                     const DenseEpilogue& e, int64_t* y);

// Batch normalization y = res_t(x * scale + bias) with the exact intermediate, on int64 lanes:
// v = (x * scale[i] << product_shift_left) + bias_aligned[i], y = to_result(v).
struct BatchNormPlan {
  int product_shift_left = 0;
  std::vector<int64_t> bias_aligned;  // bias raws shifted to the sum's fractional bits
  FastConvert to_result;
  // Every raw of the input and scale types is an int32: x * scale as a 32x32->64 multiply.
  bool mul32 = false;
};
// nullopt when the intermediate needs more than 62 bits, the result type is AP_WRAP with N > 0,
// or product_in_result_type (hls4ml 0.5 - 0.7) is set.
std::optional<BatchNormPlan> PlanBatchNorm(const FixedType& in, const FixedType& scale_type,
                                           const FixedType& bias_type,
                                           const std::vector<int64_t>& bias,
                                           const FixedType& result, bool product_in_result_type);
void BatchNormBlock(const int64_t* x, int lanes, int n, const int64_t* scale,
                    const BatchNormPlan& plan, int64_t* y);
// DenseEpilogue::bn_sum_bits for inputs of `in` (the dense result type), the n scale raws and the
// plan's aligned biases: the fewest bits b with every |(x * s << shift) + bias| < 2^(b - 1), or 0
// when that is more than 29.
int BatchNormSumBits(const FixedType& in, const int64_t* scale, size_t n,
                     const BatchNormPlan& plan);

// y[k] = c(x[k]) for n values (x == y allowed): ConvertBlock with the recipe made once.
void ConvertRaws(const FastConvert& c, const int64_t* x, int64_t* y, size_t n);
// The element-wise merges in one pass (y may be xa or xb): y[k] = c((xa[k] << sa) + (xb[k] << sb))
// (minus when `subtract`), and y[k] = c(xa[k] * xb[k]); the caller bounds the exact intermediate
// within c's source type.
void AddShiftedRaws(const FastConvert& c, const int64_t* xa, int sa, const int64_t* xb, int sb,
                    bool subtract, int64_t* y, size_t n);
void MultiplyRaws(const FastConvert& c, const int64_t* xa, const int64_t* xb, int64_t* y, size_t n);

// acc[k] = sum(acc[k] + product(x[k] * w)) for n lanes: a multiply-accumulate whose product and
// sum each go through an exact FastConvert (the caller's recipes: x * w within product's source
// type, acc + term within sum's). x[k] and w must lie within int32 (32x32->64 multiplies).
void MacConvertRaws32(const FastConvert& product, const FastConvert& sum, const int64_t* x,
                      int64_t w, int64_t* acc, size_t n);

// relu: y[k] = x[k] > 0 ? c(x[k]) : 0, i.e. c(max(x[k], 0)) (every recipe maps 0 to 0).
void ReluRaws(const FastConvert& c, const int64_t* x, int64_t* y, size_t n);

// y[k] = x[k] between int64 and int32 lanes (NarrowRaws: every x[k] fits int32).
void NarrowRaws(const int64_t* x, int32_t* y, size_t n);
void WidenRaws(const int32_t* x, int64_t* y, size_t n);

// y[k] = to(x[k]) for n raw values of `from` (the assignment `to_t y = from_t x`).
void ConvertBlock(const FixedType& from, const int64_t* x, const FixedType& to, int64_t* y,
                  size_t n);

// Packed samples (batch-major, container bytes) <-> a feature-major block of raws with `lanes`
// lanes. Lanes >= count are zero-filled on unpack and ignored on pack.
void UnpackBlock(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                 int64_t* x);
void UnpackBlock32(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                   int32_t* x);
void PackBlock(const FixedType& type, const int64_t* x, int n_features, int count, int lanes,
               uint8_t* out);
void PackBlock32(const FixedType& type, const int32_t* x, int n_features, int count, int lanes,
                 uint8_t* out);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_KERNELS_INTERNAL_H_
