// Private to network_recurrent_avx512.cc / network_recurrent_avx2.cc: CellStep
// (network_recurrent_cell.h) written once over network_lanes.h's 8 int64 lanes, built in each
// file with its instruction set.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_LANES_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_RECURRENT_LANES_H_

#include <cstddef>
#include <cstdint>

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

// Gate k for K vectors from lane q: f(A(a_k + b_k)). Rows of a, b and h are int64 or int32 lanes
// (int32: every value fits, CellStep's contract).
template <int K, typename T>
FPGAAS_LANES_INLINE void GateN(const VConvert& sum, const VActivation& f, const T* a, const T* b,
                               size_t at, I64x8 (&out)[K]) {
  for (int v = 0; v < K; ++v) out[v] = Add(LoadLanes(a + at + 8 * v), LoadLanes(b + at + 8 * v));
  ApplyN(sum, out);
  ActivateN(f, out);
}

// The steps below take K vectors (8 * K lanes) of a row at a time, every operation on all K
// before the next: K independent chains to overlap the gathers' latency.
template <int K, typename T>
void LstmStep(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  const VConvert sum = Load(p.sum), to_c = Load(p.to_c), to_h = Load(p.to_h);
  const VActivation recr = Load(p.recr), act = Load(p.act), act_of_state = Load(p.act_of_state);
  const Shift s_gi = ShiftBy(p.s_gi), s_cf = ShiftBy(p.s_cf);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      I64x8 i_g[K], f_g[K], g_g[K], o_g[K], v[K];
      GateN(sum, recr, a, b, j * row + q, i_g);
      GateN(sum, recr, a, b, (n + j) * row + q, f_g);
      GateN(sum, act, a, b, (2 * n + j) * row + q, g_g);
      GateN(sum, recr, a, b, (3 * n + j) * row + q, o_g);
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

template <int K, typename T>
void GruStep(const CellPlan& p, const T* a, const T* b, T* h, int lanes) {
  const VConvert sum = Load(p.sum), to_h = Load(p.to_h), to_rb = Load(p.to_rb);
  const VActivation recr = Load(p.recr), act = Load(p.act);
  const Shift s_z = ShiftBy(p.s_z), s_t1 = ShiftBy(p.s_t1), s_t2 = ShiftBy(p.s_t2);
  const I64x8 one = Set1(p.one);
  const size_t row = static_cast<size_t>(lanes), n = static_cast<size_t>(p.n_state);
  const size_t z0 = static_cast<size_t>(p.z0), r0 = static_cast<size_t>(p.r0);
  for (size_t j = 0; j < n; ++j) {
    for (size_t q = 0; q < row; q += 8 * K) {
      I64x8 z[K], r[K], v[K];
      GateN(sum, recr, a, b, (z0 + j) * row + q, z);
      GateN(sum, recr, a, b, (r0 + j) * row + q, r);
      // n = act(A(a_n + A(r * b_n)))
      const size_t at_n = (2 * n + j) * row + q;
      for (int k = 0; k < K; ++k) v[k] = Mul32(r[k], LoadLanes(b + at_n + 8 * k));
      ApplyN(to_rb, v);
      for (int k = 0; k < K; ++k) v[k] = Add(v[k], LoadLanes(a + at_n + 8 * k));
      ApplyN(sum, v);
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

template <int K, typename T>
void CellStepN(const CellPlan& p, const T* a, const T* b, T* h, int64_t* c, int lanes) {
  if (p.lstm) {
    LstmStep<K>(p, a, b, h, c, lanes);
  } else {
    GruStep<K>(p, a, b, h, lanes);
  }
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
