// Private to network_recurrent_avx512.cc / network_recurrent_avx2.cc: CellStep
// (network_recurrent_cell.h) written once over network_lanes.h's 8 int64 lanes, built in each
// file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_LANES_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "server/numerics/network_lanes.h"
#include "server/numerics/network_recurrent_cell.h"

namespace fpgaas::numerics::internal {
namespace {

struct VActivation {
  bool relu;
  VConvert relu_convert;
  const int64_t* table;
  I64x8 size, offset, max_index, round_mask;
  Shift e;
};

FPGAAS_LANES_INLINE VActivation Load(const CellActivation& a) {
  return VActivation{
      a.relu,           Load(a.relu_convert),          a.table,     Set1(a.size), Set1(a.offset),
      Set1(a.size - 1), Set1((int64_t{1} << a.e) - 1), ShiftBy(a.e)};
}

// x within int32 (Mul32 reads the low halves).
FPGAAS_LANES_INLINE I64x8 Activate(const VActivation& a, I64x8 x) {
  if (a.relu) return Apply(a.relu_convert, Max(x, Zero()));
  const I64x8 num = Mul32(x, a.size);
  // Truncation toward zero: floor((num + (2^e - 1 if num < 0)) / 2^e).
  const I64x8 q = Sra(Add(num, And(SignMask(num), a.round_mask)), a.e);
  const I64x8 index = Min(Max(Add(SignExtendLow32(q), a.offset), Zero()), a.max_index);
  return Gather(a.table, index);
}

// Activate on K vectors at once: the K independent table reads (gathers) issue back to back.
template <int K>
FPGAAS_LANES_INLINE void ActivateN(const VActivation& a, I64x8 (&x)[K]) {
  for (int k = 0; k < K; ++k) x[k] = Activate(a, x[k]);
}

// The table index's constants of Activate in 8 int32 lanes (CellPlan::gates32).
struct VActivation32 {
  __m256i size, offset, max_index, round_mask;
  __m128i e;
};

FPGAAS_LANES_INLINE VActivation32 Load32(const CellActivation& a) {
  auto set = [](int64_t v) { return _mm256_set1_epi32(static_cast<int32_t>(v)); };
  return VActivation32{set(a.size), set(a.offset), set(a.size - 1),
                       set(a.e <= 30 ? (int64_t{1} << a.e) - 1 : 0), _mm_cvtsi32_si128(a.e)};
}

// Activate for x in 8 int32 lanes where |x * size| < 2^31 and e <= 30: the index in int32
// arithmetic (AVX2's native 32-bit shifts, min and max), only the table read in int64 lanes.
FPGAAS_LANES_INLINE I64x8 Activate32(const VActivation& a, const VActivation32& a32, __m256i x) {
  if (a.relu) return Apply(a.relu_convert, Max(Widen(x), Zero()));
  const __m256i num = _mm256_mullo_epi32(x, a32.size);
  const __m256i toward_zero = _mm256_and_si256(_mm256_srai_epi32(num, 31), a32.round_mask);
  const __m256i q = _mm256_sra_epi32(_mm256_add_epi32(num, toward_zero), a32.e);
  const __m256i index = _mm256_min_epi32(
      _mm256_max_epi32(_mm256_add_epi32(q, a32.offset), _mm256_setzero_si256()), a32.max_index);
  return Gather(a.table, index);
}

// GateN on int32 rows with CellPlan::gates32: a + b and the sum's overflow step in int32 lanes.
template <int K>
FPGAAS_LANES_INLINE void GateN32(const VConvert32& sum, const VActivation& f,
                                 const VActivation32& f32, const int32_t* a, const int32_t* b,
                                 size_t at, I64x8 (&out)[K]) {
  __m256i x[K];
  for (int v = 0; v < K; ++v) {
    x[v] = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + at + 8 * v)),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + at + 8 * v)));
  }
  ApplyN(sum, x);
  for (int v = 0; v < K; ++v) out[v] = Activate32(f, f32, x[v]);
}

// Gate k for K vectors from lane q: f(A(a_k + b_k)). Rows of a, b and h are int64 or int32 lanes
// (int32: every value fits, CellStep's contract).
template <int K, typename T>
FPGAAS_LANES_INLINE void GateN(const VConvert& sum, const VActivation& f, const T* a, const T* b,
                               size_t at, I64x8 (&out)[K]) {
  for (int v = 0; v < K; ++v) out[v] = Add(LoadLanes(a + at + 8 * v), LoadLanes(b + at + 8 * v));
  ApplyN(sum, out);
  ActivateN(f, out);
}

// GateN, or GateN32 where kGates32 (T int32_t and CellPlan::gates32).
template <int K, bool kGates32, typename T>
struct Gates {
  explicit Gates(const CellPlan& p)
      : sum(Load(p.sum)), sum32(Load32(p.sum)), recr32(Load32(p.recr)), act32(Load32(p.act)) {}
  inline __attribute__((always_inline)) void Gate(const VActivation& f, const VActivation32& f32,
                                                  const T* a, const T* b, size_t at,
                                                  I64x8 (&out)[K]) const {
    if constexpr (kGates32) {
      GateN32(sum32, f, f32, a, b, at, out);
    } else {
      GateN(sum, f, a, b, at, out);
    }
  }
  VConvert sum;
  VConvert32 sum32;
  VActivation32 recr32, act32;
};

// The steps below take K vectors (8 * K lanes) of a row at a time, every operation on all K
// before the next: K independent chains to overlap the gathers' latency.
template <int K, bool kGates32, typename T>
void LstmStep(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  const Gates<K, kGates32, T> g(p);
  const VConvert to_c = Load(p.to_c), to_h = Load(p.to_h);
  const VActivation recr = Load(p.recr), act = Load(p.act), act_of_state = Load(p.act_of_state);
  const Shift s_gi = ShiftBy(p.s_gi), s_cf = ShiftBy(p.s_cf);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      I64x8 i_g[K], f_g[K], g_g[K], o_g[K], v[K];
      g.Gate(recr, g.recr32, a, b, j * row + q, i_g);
      g.Gate(recr, g.recr32, a, b, (n + j) * row + q, f_g);
      g.Gate(act, g.act32, a, b, (2 * n + j) * row + q, g_g);
      g.Gate(recr, g.recr32, a, b, (3 * n + j) * row + q, o_g);
      int64_t* cj = c + j * row + q;
      // c = R(g * i + c * f)
      for (int k = 0; k < K; ++k) {
        v[k] =
            Add(Sll(Mul32(g_g[k], i_g[k]), s_gi), Sll(Mul32(LoadLanes(cj + 8 * k), f_g[k]), s_cf));
      }
      ApplyN(to_c, v);
      for (int k = 0; k < K; ++k) StoreLanes(cj + 8 * k, v[k]);
      // h = R(o * act(c)), act reading c as R
      ActivateN(act_of_state, v);
      for (int k = 0; k < K; ++k) v[k] = Mul32(o_g[k], v[k]);
      ApplyN(to_h, v);
      for (int k = 0; k < K; ++k) StoreLanes(h + j * row + q + 8 * k, v[k]);
    }
  }
}

template <int K, bool kGates32, typename T>
void GruStep(const CellPlan& p, const T* a, const T* b, T* h, int lanes) {
  const Gates<K, kGates32, T> g(p);
  const VConvert to_h = Load(p.to_h), to_rb = Load(p.to_rb);
  const VActivation recr = Load(p.recr), act = Load(p.act);
  const Shift s_z = ShiftBy(p.s_z), s_t1 = ShiftBy(p.s_t1), s_t2 = ShiftBy(p.s_t2);
  const I64x8 one = Set1(p.one);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  const size_t z0 = static_cast<size_t>(p.z0), r0 = static_cast<size_t>(p.r0);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      I64x8 z[K], r[K], v[K];
      g.Gate(recr, g.recr32, a, b, (z0 + j) * row + q, z);
      g.Gate(recr, g.recr32, a, b, (r0 + j) * row + q, r);
      // n = act(A(a_n + A(r * b_n)))
      const size_t at_n = (2 * n + j) * row + q;
      for (int k = 0; k < K; ++k) v[k] = Mul32(r[k], LoadLanes(b + at_n + 8 * k));
      ApplyN(to_rb, v);
      for (int k = 0; k < K; ++k) v[k] = Add(v[k], LoadLanes(a + at_n + 8 * k));
      ApplyN(g.sum, v);
      ActivateN(act, v);
      // h = R(n * (1 - z) + h * z)
      T* hj = h + j * row + q;
      for (int k = 0; k < K; ++k) {
        const I64x8 one_minus_z = Sub(one, Sll(z[k], s_z));
        v[k] =
            Add(Sll(Mul32(v[k], one_minus_z), s_t1), Sll(Mul32(LoadLanes(hj + 8 * k), z[k]), s_t2));
      }
      ApplyN(to_h, v);
      for (int k = 0; k < K; ++k) StoreLanes(hj + 8 * k, v[k]);
    }
  }
}

template <int K, bool kGates32, typename T>
void CellStepN(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if (p.lstm) {
    LstmStep<K, kGates32>(p, a, b, h, c, lanes);
  } else {
    GruStep<K, kGates32>(p, a, b, h, lanes);
  }
}
template <int K, typename T>
void CellStepN(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if constexpr (std::is_same_v<T, int32_t>) {
    if (p.gates32) return CellStepN<K, true>(p, a, b, h, c, lanes);
  }
  CellStepN<K, false>(p, a, b, h, c, lanes);
}

// Up to 4 vectors at a time. On AVX2 the LSTM's five arrays of K do not fit the 16 ymm registers
// and spill, yet the extra independent gathers pay: rnn 0.430 -> 0.411 ms, rnn_bidir 0.614 ->
// 0.585 ms per 1024 samples at K = 4 against K = 1 (K = 2: no change).
template <typename T>
bool CellStepOnLanes(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if (lanes % 8 != 0 || lanes > kKernelBlock) return false;
  if (lanes % 32 == 0) {
    CellStepN<4>(p, a, b, h, c, lanes);
  } else if (lanes % 16 == 0) {
    CellStepN<2>(p, a, b, h, c, lanes);
  } else {
    CellStepN<1>(p, a, b, h, c, lanes);
  }
  return true;
}

}  // namespace
}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_LANES_H_
