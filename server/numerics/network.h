// Network: a bit-exact executor of an hls4ml network (hls4ml's C simulation semantics).
//
// A Network is built from a NetworkSpec (usually by LoadHls4mlProject in hls4ml_project.h),
// validated once by Create, and is immutable afterwards: Run and Trace are const and thread-safe,
// so one Network is shared by every compute unit of an emulated device.
//
// A network is a small graph of layers over named buffers, run in the order of `layers` (hls4ml's
// call order): each layer reads one or more buffers (the network's inputs or earlier layers'
// outputs) and writes its own, named after the layer. Multi-dimensional tensors are flat,
// channel-last, row-major (hls4ml's io_parallel arrays).
//
// Data layout (the DMA buffers of the serving core): one contiguous buffer per input/output
// tensor. A batch is `batch` samples, batch-major, each sample input_size(k) values of
// input_type(k) packed as in fixed_point.h (container_bytes() each, little-endian,
// sign-extended), no padding between samples. Outputs are the same with output_size(k) values of
// output_type(k).
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

// Power-of-two weights of hls4ml's weight_exponential product (nnet_mult.h, hls4ml 0.7+; QKeras
// quantized_po2 kernels): weight k is (sign[k] == 1 ? +1 : -1) * 2^exponent[k]. x * w is computed in
// the signed ap_fixed product_type (the product's r_T) as nnet_mult.h does: r_T(x) (TRN, WRAP),
// shifted by exponent[k] within r_T's bits (left wraps, right floors), negated in r_T (wrapped)
// when sign[k] == 0. The layer then converts that product to accum_t like any other.
struct ExponentWeights {
  FixedType product_type;
  std::vector<int> sign, exponent;  // in the layer's weight layout
};

// How a dense layer multiplies x_i by w_ij before accum_t(product) is summed as usual: hls4ml's
// 1- and 2-bit products where they are not x * w.
enum class DenseProduct {
  kMult,  // x * w exactly (also hls4ml 0.7+'s weight_binary/ternary: weights then hold -1, 0, 1)
  // hls4ml <= 0.6's weight_binary/weight_ternary (2019-2020 nnet_dense.h's overloads on
  // ap_uint<1>/ap_int<2> weights, 0.5/0.6's three-parameter products): weights hold -1, 0 or 1
  // (ap_int<2>); -1 gives in_t(-x), the negation wrapping or saturating in the input type.
  kNegateInInput,
  kXnor,        // both_binary (input and weights ap_uint<1>): 1 when x == w, else 0
  kDataBinary,  // data_binary, hls4ml 0.7+: x == 0 ? -w : w, exactly
  kDataBinaryInWeightType,  // data_binary of hls4ml 0.6: x == 0 ? weight_t(-w) : w
};

// The output cast of a dense layer whose input and weight types are both spelled ap_uint<1>
// (nnet_dense.h's / nnet_mult.h's cast<>), with N = ceillog2(n_in) + 2 and trunc toward zero:
enum class BinaryCast {
  kNone,          // y = res_t(acc)
  kHalvedTwice,   // hls4ml <= 1.1: y = res_t(ap_int<N>(ap_int<N>(trunc(acc - n_in / 2)) * 2))
  kTwiceMinusN,   // hls4ml 1.2+:  y = res_t(ap_int<N>(trunc(acc * 2 - n_in)))
};

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
  // weight_exponential layers: the weights are these (weight_type and weights are unused), in the
  // layout of `weights`. Such a layer runs on the exact per-sample path.
  std::optional<ExponentWeights> exponent_weights;
  // A product or cast other than kMult / kNone: the layer runs on the exact per-sample path.
  DenseProduct product = DenseProduct::kMult;
  BinaryCast binary_cast = BinaryCast::kNone;
};

// nnet::normalize: y = result_t(x * scale + bias), intermediate exact; with
// product_in_result_type (hls4ml 0.5 - 0.7): y = result_t(result_t(x * scale) + bias).
struct BatchNormSpec {
  int n = 0;
  FixedType scale_type, bias_type;
  std::vector<int64_t> scale, bias;  // raw values
  bool product_in_result_type = false;
  // hls4ml's weight_exponential product (QKeras power-of-two scales, e.g. the "_alpha" layers):
  // when set, `scale` is unused and element i's scale is (exponent_sign[i] ? +1 : -1) *
  // 2^exponent[i]. The product is computed in this signed type (r_T) as nnet_mult.h does:
  // p = r_T(x) shifted by exponent[i] within r_T's bits (left wraps, right floors), negated in
  // r_T when the sign is 0; y = res_t(p + b) exactly.
  std::optional<FixedType> exponent_product_type;
  std::vector<int> exponent, exponent_sign;
};

// Element-wise activations (nnet_activation.h):
//   leaky_relu:   y = x > 0 ? res_t(x) : res_t(alpha * x)        (alpha: param_type)
//   thresholded:  y = x > theta ? res_t(x) : 0                     (theta: param_type)
//   relu_max:     y = x < 0 ? 0 : x > max_value ? res_t(max_value) : res_t(x)   (relu6, relu1)
//   prelu:        leaky_relu with one alpha per element (params)
//   hard_sigmoid: z = slope * x + shift exactly, clamped to [0, 1]; y = res_t(z)
//   hard_tanh:    the same z; y = res_t(2 z - 1)
// Table activations over one sample (network_activations.cc; tables built as nnet_activation.h's
// init_*_table does, in float on the host's libm, then table_t):
//   softplus, softsign: y = res_t(table[clamp(trunc(x * N / 16) + N / 2)]), tables over [-8, 8)
//   elu:  x >= 0 ? res_t(x) : res_t(alpha * table[min(trunc(x * N / -8), N - 1)]) exact product;
//         table e^v - 1 over v = -8 k / N; alpha: param_type/param
//   selu: x >= 0 ? res_t(lambda * x) exact : res_t(table[...]) (the ELU index, a SELU table);
//         lambda (the positive slope as the release types it): param_type/param
//   binary_tanh:  y = res_t(+1) if x > 0 (x >= 0 with binary_zero_positive) else res_t(-1); with
//                 binary_bit_result (hls4ml 1.2+'s binary_cast for an ap_uint<1> res_T): 1 or 0
//   ternary_tanh: io_parallel (ternary_doubles): d = x_T(2 x) (x_T's overflow), d > 1 -> 1,
//                 d > -1 -> 0, else -1; io_stream: x > 1 -> 1, x <= -1 -> -1, else 0; y = res_t(.)
enum class ActivationKind {
  kLinear,
  kRelu,
  kSigmoid,
  kTanh,
  kLeakyRelu,
  kThresholdedRelu,
  kReluMax,
  kPRelu,
  kHardSigmoid,
  kHardTanh,
  kSoftplus,
  kSoftsign,
  kElu,
  kSelu,
  kBinaryTanh,
  kTernaryTanh,
  // nnet::normalize_binary_tanh / normalize_ternary_tanh (batch norm folded into thresholds,
  // hls4ml 0.2+): x and the thresholds are raws of the input type; binary: y = res_t(x > t_i)
  // (x >= t_i with threshold_inclusive, hls4ml 0.8+); ternary: x > hi_i -> 1, x <= lo_i -> -1,
  // else 0. params: t_i or hi_i; thresholds_lo: lo_i (one per element).
  kBinaryThreshold,
  kTernaryThreshold,
};
struct ActivationSpec {
  ActivationKind kind = ActivationKind::kLinear;
  int n = 0;
  int table_size = 1024;        // sigmoid/tanh and the table activations
  FixedType table_type{18, 8};  // their table_t
  FixedType param_type;         // leaky/thresholded/prelu/elu/selu: alpha, theta or lambda type
  int64_t param = 0;            // leaky/thresholded/elu/selu: raw alpha/theta/lambda
  std::vector<int64_t> params;  // prelu: n raw alphas
  int max_value = 6;            // relu_max
  FixedType slope_type, shift_type;  // hard sigmoid/tanh
  int64_t slope = 0, shift = 0;      // raw values
  bool binary_zero_positive = false;  // binary_tanh: x >= 0 gives +1 (hls4ml 1.2+)
  bool binary_bit_result = false;     // binary_tanh: -1 is written as 0 (1.2+, ap_uint<1> res_T)
  bool ternary_doubles = false;       // ternary_tanh: compares x_T(2 x) (io_parallel)
  std::vector<int64_t> thresholds_lo;  // kTernaryThreshold
  bool threshold_inclusive = false;    // kBinaryThreshold: x >= t_i
};

// nnet::conv_1d_cl / conv_2d_cl / pointwise_conv_{1,2}d_cl, io_parallel, channel-last. Each output
// pixel (row-major) is a dense layer over its window, taken in (kh, kw, channel) order and zero
// where it lies in the padding: acc_f = accum_t(b_f); acc_f = accum_t(acc_f + accum_t(x_k * w_kf))
// for k in order; y = res_t(acc_f). Conv1D has in_height = filt_height = out_height = 1.
struct ConvSpec {
  int in_height = 1, in_width = 0, n_chan = 0;
  int filt_height = 1, filt_width = 1, n_filt = 0;
  int stride_height = 1, stride_width = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int out_height = 1, out_width = 0;
  FixedType weight_type, bias_type, accum_type;
  std::vector<int64_t> weights;  // raw, [kh][kw][chan][filt]
  std::vector<int64_t> biases;   // raw, n_filt
  // Resource strategy sums in another order; accepted only with wrapping accumulators, where the
  // order cannot matter.
  bool resource_strategy = false;
  // nnet::depthwise_conv_{1,2}d_cl (depth multiplier 1): n_filt == n_chan, weights
  // [kh][kw][chan], and output channel c sums only input channel c's window values (in (kh, kw)
  // order): acc_c = accum_t(b_c); acc_c = accum_t(acc_c + accum_t(x_c * w_c)); y = res_t(acc_c).
  bool depthwise = false;
  // weight_exponential convolutions (the mult_config's product): the weights are these, in the
  // layout of `weights` (weight_type and weights are unused); the exact per-sample path.
  std::optional<ExponentWeights> exponent_weights;
};

// nnet::pooling{1,2}d_cl and global_pooling{1,2}d_cl (channel-last; n_chan is hls4ml's n_filt).
// Max: the window's maximum (padding counts as data_T's sign-bit pattern), then accum_t, then
// res_t. Average: s = accum_t(s + x) over the window (padding: 0), then s = accum_t(trunc0(s / d))
// with d the window size (count_pad) or the number of pixels inside the image; y = res_t(s).
// hls4ml < 1.0 sums and divides in data_T (0.8: a wider ap_fixed for ap_fixed<W,I> inputs, then
// back to data_T): the importer sets accum_type (and average_cast_type) accordingly.
// io_stream (window_in_accum, nnet_pooling_stream.h's reduce_pool): every window value is first
// converted to accum_t; max of those; average: nnet::reduce's pairwise tree of accum_t sums (left
// half the largest power of two below n), then divided by the whole window (truncating toward
// zero). No padding.
enum class PoolKind { kMax, kAverage };
struct PoolingSpec {
  PoolKind kind = PoolKind::kMax;
  int in_height = 1, in_width = 0, n_chan = 0;
  int pool_height = 1, pool_width = 1;
  int stride_height = 1, stride_width = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int out_height = 1, out_width = 0;
  bool count_pad = false;
  FixedType accum_type;
  bool window_in_accum = false;
  // io_stream global pooling (with window_in_accum; nnet_pooling_stream.h's global_pooling*_cl):
  // the input comes in packs of `pixels_per_pack` pixels; each pack's values of a channel are
  // reduced as a tree (nnet::reduce, accum_t) and added to (or max-ed with) the running value,
  // pack after pack. Its output loop writes data_window[i_pack] into every output pack: with
  // `output_pack` = s < n_chan values per pack, output k holds channel k mod s (0: s = n_chan).
  bool sequential_sum = false;
  int pixels_per_pack = 1;
  int output_pack = 0;
  // hls4ml 0.8's avg() for ap_fixed<W,I> inputs: the quotient goes to this type (data_T) before
  // res_t (the sum itself in accum_type = ap_fixed<W + ceillog2(n), I + ceillog2(n)>).
  std::optional<FixedType> average_cast_type;
  // hls4ml < 1.0 average: then res_t(y * rescale), rescale a raw value of the input type (its
  // data_T(n) / overlap step; 1 when data_T holds the pool size).
  std::optional<int64_t> rescale;
};

// nnet::zeropad{1,2}d_cl: y = res_t(x) inside, 0 in the border (channel-last).
struct PaddingSpec {
  int in_height = 1, in_width = 0, n_chan = 0;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

// nnet::resize_nearest (UpSampling1D/2D): y[i][j] = x[(i * ((H << 16) / H' + 1)) >> 16]
// [(j * ((W << 16) / W' + 1)) >> 16], no conversion (result_type must be the input type).
// io_stream (nnet_image_stream.h, integer ratios r_h = H'/H, r_w = W'/W only):
//   kRows (hls4ml 0.7+):    y[i][j] = x[i / r_h][j / r_w]
//   kPixels (hls4ml 0.5/0.6): each input pixel's pack written r_h * r_w times in a row, i.e.
//                             output pixel p (row-major) = input pixel p / (r_h * r_w)
enum class ResizeStream { kNone, kRows, kPixels };
struct ResizeSpec {
  int in_height = 1, in_width = 0, n_chan = 0;
  int out_height = 1, out_width = 0;
  ResizeStream stream = ResizeStream::kNone;
};

// nnet::cropping1d_cl / cropping2d_cl (hls4ml 1.2+; io_parallel and io_stream compute the same):
// y[i][j][c] = res_t(x[i + crop_top][j + crop_left][c]) for the out_height x out_width pixels
// kept, out = in - crops (channel-last; Cropping1D has in_height = 1 and no top/bottom crop).
struct CroppingSpec {
  int in_height = 1, in_width = 0, n_chan = 0;
  int crop_top = 0, crop_bottom = 0, crop_left = 0, crop_right = 0;
};

// nnet::transpose (Transpose/Permute layers, e.g. the channel-first inputs of ONNX/PyTorch models):
// a fixed rearrangement, y[k] = res_t(x[source[k]]).
struct TransposeSpec {
  std::vector<int> source;  // the input index of every output element
};

// nnet::embedding (Embedding layer, nnet_embed.h / nnet_embed_stream.h, hls4ml 0.7+): for input j
// and column i, y[j * n_out + i] = res_t(embeddings[k]) with k = the integer part (toward zero) of
// the exact x_j * n_out + i (hls4ml indexes its array with that ap_fixed sum). A k outside the
// table (an input that is not a row number: hls4ml's C simulation reads outside its array) gives 0.
struct EmbeddingSpec {
  int n_in = 0, n_out = 0, vocab_size = 0;
  FixedType embeddings_type;
  std::vector<int64_t> embeddings;  // raw, vocab_size * n_out, row-major
};

// nnet::layernormalize (LayerNormalization, hls4ml 1.2+, nnet_layernorm.h, io_parallel): the
// input is seq_len rows of d = n_in / seq_len values, each normalized on its own with A = accum_t
// and exact arithmetic inside each expression:
//   s = A(s + A(x_i)) from 0; mean = A(s * A(1.0 / d));  e_i = A(A(x_i) - mean)
//   q = A(q + A(e_i * e_i)) from 0; var = A(q * A(1.0 / d))
//   k = int(var * table_size * 2^table_range_power2) (toward zero, low 32 bits), clamped to
//   [0, table_size - 1];  y_i = res_t(e_i * table[k] * scale_i + bias_i)
// with table[j] = table_t(1.0 / sqrtf(v_j)), v_j = 10^-epsilon_power_of_10 + j * step in float,
// step = 2^-table_range_power2 / table_size (nnet::init_invert_sqr_table).
struct LayerNormSpec {
  int n_in = 0, seq_len = 1;
  FixedType accum_type, table_type, scale_type, bias_type;
  int table_size = 1024, epsilon_power_of_10 = 3, table_range_power2 = 0;
  std::vector<int64_t> scales, biases;  // raw, n_in / seq_len each
};

// nnet_merge.h over two inputs (element-wise: y_i = res_t(f(a_{i mod n1}, b_{i mod n2})), exact
// arithmetic inside f). Average: (a + b) * 0.5 exactly, or (hls4ml < 1.0) the ap_fixed division
// (a + b) / res_t(2) truncated toward zero at max(F_a, F_b) fractional bits. Maximum/minimum
// compare the exact values. Concatenate: shapes (1 to 3 dims, the last one channels) and the
// axis (negative counts from the end): the inputs' blocks interleaved along the axis, y = res_t(x).
enum class MergeKind {
  kAdd,
  kSubtract,
  kMultiply,
  kAverage,
  kMaximum,
  kMinimum,
  kConcatenate,
  // nnet::dot1d (Dot merge of two n-vectors): acc = accum_t(acc + accum_t(a_i * b_i)) from 0,
  // i in order; one output, res_t(acc).
  kDot,
};
struct MergeSpec {
  MergeKind kind = MergeKind::kAdd;
  bool average_divides = false;
  std::vector<int> shape1, shape2;  // concatenate
  int axis = -1;                    // concatenate
  FixedType accum_type;             // dot
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
  // io_stream softmax (nnet_activation_stream.h) runs once per pack: with `slice` values per
  // pack (0: n), each consecutive slice of `slice` values is an independent softmax.
  int slice = 0;
  // nnet::softmax_multidim (hls4ml 1.2+, a softmax over an axis that is not the last): each
  // softmax reads `slice` values `inner` apart, x[(i * slice + j) * inner + k] for j = 0 ..
  // slice - 1, one per (i, k). 1: consecutive slices as above.
  int inner = 1;
};

// nnet::lstm_stack / nnet::gru_stack (nnet_recurrent.h; io_parallel, and io_stream with one
// time step per pack). The input is n_sequence steps of n_in values; the state h (and the LSTM
// cell c) are held in the layer's result type R, zero at the start; the output is the last h, or
// every step's h (return_sequences). Per step t, with A = accum_type and exact arithmetic inside
// each expression:
//   a = input_dense(x_t), b = recurrent_dense(h): dense layers (DenseSpec) whose result type is A
//   LSTM, gate blocks i, f, g, o of n_state values each (Keras and PyTorch order):
//     i, f, o = recurrent_activation(A(a + b)) in A;  g = activation(A(a + b)) in A
//     c = R(g * i + c * f);  h = R(o * activation(c))   (activation(c): R in, A out)
//   GRU, blocks z, r, n (pytorch_order: r, z, n), reset after the recurrent product:
//     z, r = recurrent_activation(A(a + b)) in A;  n = activation(A(a_n + A(r * b_n))) in A
//     h = R(n * (1 - z) + h * z)
// Activations are nnet_recr_activations.h's: sigmoid and tanh (the tables of ActivationSpec, read
// with the input's own type) and relu.
enum class RecurrentKind { kLstm, kGru };
struct RecurrentSpec {
  RecurrentKind kind = RecurrentKind::kLstm;
  int n_in = 0, n_state = 0, n_sequence = 0;
  bool return_sequences = false;
  FixedType accum_type;
  DenseSpec input_dense;      // n_in -> gates * n_state (W, b; mult_config1)
  DenseSpec recurrent_dense;  // n_state -> gates * n_state (W_r, b_r; mult_config2)
  ActivationSpec recurrent_activation;  // kind, table_size, table_type (n is ignored)
  ActivationSpec activation;
  bool pytorch_order = false;  // GRU only
  // nnet::bidirectional_stack (hls4ml 1.2+, io_parallel): this spec is the forward RNN and
  // `backward` (empty, or one spec with its own kind, n_state, products, activations and types;
  // n_in, n_sequence and return_sequences as here) reads the steps in reverse order, from a zero
  // state of its own. Output, per step t: the forward h after step t, then the backward h after
  // it read step t; without return_sequences, the forward h after the last step, then the
  // backward h after step 0 (its last).
  std::vector<RecurrentSpec> backward;
};

// TimeDistributed (hls4ml 1.3, io_parallel: a loop in the top function around
// nnet_time_distributed.h's read_time_step_*d / write_time_step_*d): the input is n_time_steps
// slices of equal size, one per step; `layers` (a network over one slice, which they read as
// "input"; empty `inputs` read the previous layer as in NetworkSpec) run on each slice in turn,
// and the layer `output` (empty: the last) of each step is copied, without conversion, into the
// output, step after step. The layer's result type is that layer's. Every io_parallel layer is a
// function of its input array, so the steps are independent.
struct LayerSpec;
struct TimeDistributedSpec {
  int n_time_steps = 0;
  std::vector<LayerSpec> layers;
  std::string output;
};

struct LayerSpec {
  std::string name;       // e.g. "layer2" / "fc1", as in the project (for traces and errors)
  FixedType result_type;  // the layer's output type (res_t / layerN_t)
  std::variant<DenseSpec, BatchNormSpec, ActivationSpec, SoftmaxSpec, ConvSpec, PoolingSpec,
               PaddingSpec, ResizeSpec, MergeSpec, RecurrentSpec, TransposeSpec, CroppingSpec,
               EmbeddingSpec, LayerNormSpec, TimeDistributedSpec>
      op;
  // The buffers it reads: names of network inputs or of earlier layers. Empty: the previous
  // layer's output (the first layer: the first input). Merge layers read two.
  std::vector<std::string> inputs;
};

struct TensorSpec {
  std::string name;
  FixedType type;
  int size = 0;  // values per sample
};

struct NetworkSpec {
  // The input of a single-input network (used when `inputs` is empty).
  FixedType input_type;
  int input_size = 0;
  std::vector<LayerSpec> layers;  // in call order
  std::vector<TensorSpec> inputs;    // several named inputs, in the top function's order
  std::vector<std::string> outputs;  // layers whose outputs are the network's; empty: the last
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

  int num_inputs() const;
  int num_outputs() const;
  // Tensor k's name (spec input names; output layer names), size and type. Without k: tensor 0.
  const std::string& input_name(int k = 0) const;
  const std::string& output_name(int k = 0) const;
  int input_size(int k = 0) const;
  int output_size(int k = 0) const;
  const FixedType& input_type(int k = 0) const;
  const FixedType& output_type(int k = 0) const;
  size_t input_bytes_per_sample(int k = 0) const {
    return input_size(k) * input_type(k).container_bytes();
  }
  size_t output_bytes_per_sample(int k = 0) const {
    return output_size(k) * output_type(k).container_bytes();
  }
  const NetworkSpec& spec() const;
  // Multiply-accumulates per sample (dense and convolution layers), for benchmarks.
  int64_t macs_per_sample() const;

  // Runs `batch` samples from `in` (batch * input_bytes_per_sample()) into `out`
  // (batch * output_bytes_per_sample()), for a network with one input and one output. Thread-safe.
  void Run(const uint8_t* in, uint8_t* out, size_t batch) const;
  // Any network: in[k] holds batch * input_bytes_per_sample(k) bytes of input k, out[k] receives
  // batch * output_bytes_per_sample(k) of output k. Thread-safe.
  void Run(const uint8_t* const* in, uint8_t* const* out, size_t batch) const;
  // Every layer's output for one packed sample (hls4ml's Trace). Thread-safe.
  std::vector<LayerTrace> Trace(const uint8_t* sample) const;
  // The same for a network with several inputs (one packed sample of each).
  std::vector<LayerTrace> Trace(const uint8_t* const* sample) const;

  ~Network();

 private:
  struct Impl;
  explicit Network(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fpgaas::numerics

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_H_
