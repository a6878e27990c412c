// The host build of kernel_grid_bench's grid networks: hls4ml-style HLS C++ (the kernels/host nnet
// layers) over whichever ap types the include path finds first — fpgaas' kernels/host ones or
// Xilinx's (FPGAAS_HLS_AP_TYPES_DIR). CMakeLists.txt builds this file once per implementation as
// a module; the interface is grid_points.h's.
#include <cstring>
#include <vector>

#include "ap_fixed.h"
#include "grid_points.h"
#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_batchnorm.h"
#include "nnet_utils/nnet_dense.h"

namespace {

constexpr unsigned kSizes[] = FPGAAS_GRID_SIZES;

template <class W, class Acc, unsigned NIn, unsigned NOut>
struct DenseConfig : nnet::dense_config {
  typedef W weight_t;
  typedef W bias_t;
  typedef Acc accum_t;
  static const unsigned n_in = NIn;
  static const unsigned n_out = NOut;
};
template <class S, unsigned N>
struct BatchNormConfig : nnet::batchnorm_config {
  typedef S scale_t;
  typedef S bias_t;
  static const unsigned n_in = N;
  static const unsigned n_scale_bias = N;
};
template <unsigned N>
struct ReluConfig : nnet::activ_config {
  static const unsigned n_in = N;
};

struct HostNet {
  virtual ~HostNet() = default;
  virtual void Run() = 0;
  virtual void Outputs(int64_t* raw) const = 0;
};

template <class T>
std::vector<T> FromRaw(const int64_t* raw, size_t n) {
  std::vector<T> v;
  for (size_t k = 0; k < n; ++k) v.push_back(nnet::ap_from_bits<T>(raw[k]));
  return v;
}

template <class In, class W, class Acc, bool kBn>
struct GridNet : HostNet {
  using Res = In;  // every layer's result type is the input type
  using Scale = FPGAAS_GRID_SCALE_TYPE;
  std::vector<W> w[3], b[3];
  std::vector<Scale> s[2], sb[2];
  std::vector<In> in;
  std::vector<Res> out;
  int batch;

  explicit GridNet(const FpgaasGridValues& v) : batch(v.batch) {
    for (int k = 0; k < 3; ++k) {
      w[k] = FromRaw<W>(v.weights[k], kSizes[k] * kSizes[k + 1]);
      b[k] = FromRaw<W>(v.biases[k], kSizes[k + 1]);
      if (kBn && k < 2) {
        s[k] = FromRaw<Scale>(v.scales[k], kSizes[k + 1]);
        sb[k] = FromRaw<Scale>(v.scale_biases[k], kSizes[k + 1]);
      }
    }
    for (size_t k = 0; k < size_t(batch) * kSizes[0]; ++k) in.push_back(In(v.inputs[k]));
    out.resize(size_t(batch) * kSizes[3], Res(0));
  }

  // hls4ml's generated top function, in the style of firmware/myproject.cpp.
  template <unsigned NIn, unsigned NOut>
  void Layer(int k, In* x, Res* y) {
    Res dense_out[NOut], bn_out[NOut];
    nnet::dense<In, Res, DenseConfig<W, Acc, NIn, NOut>>(x, k == 2 ? y : dense_out, w[k].data(),
                                                         b[k].data());
    if (k == 2) return;
    Res* relu_in = dense_out;
    if (kBn) {
      nnet::normalize<Res, Res, BatchNormConfig<Scale, NOut>>(dense_out, bn_out, s[k].data(),
                                                              sb[k].data());
      relu_in = bn_out;
    }
    nnet::relu<Res, Res, ReluConfig<NOut>>(relu_in, y);
  }
  void RunSample(In* x, Res* y) {
    Res h1[kSizes[1]], h2[kSizes[2]];
    Layer<kSizes[0], kSizes[1]>(0, x, h1);
    Layer<kSizes[1], kSizes[2]>(1, h1, h2);
    Layer<kSizes[2], kSizes[3]>(2, h2, y);
  }
  void Run() override {
    for (int n = 0; n < batch; ++n) RunSample(&in[size_t(n) * kSizes[0]], &out[size_t(n) * kSizes[3]]);
  }
  void Outputs(int64_t* raw) const override {
    for (size_t k = 0; k < out.size(); ++k) raw[k] = int64_t(nnet::ap_raw(out[k]));
  }
};

template <class T>
struct Unparen;
template <class T>
struct Unparen<void(T)> {
  using type = T;
};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* fpgaas_grid_create(const char* point,
                                                                 const FpgaasGridValues* values) {
#define FPGAAS_GRID_CREATE(NAME, IN, W, ACC, BN)                                             \
  if (std::strcmp(point, #NAME) == 0) {                                                      \
    return static_cast<HostNet*>(                                                            \
        new GridNet<Unparen<void IN>::type, Unparen<void W>::type, Unparen<void ACC>::type, BN>( \
            *values));                                                                       \
  }
  FPGAAS_GRID_POINTS(FPGAAS_GRID_CREATE)
#undef FPGAAS_GRID_CREATE
  return nullptr;
}

__attribute__((visibility("default"))) void fpgaas_grid_run(void* net) {
  static_cast<HostNet*>(net)->Run();
}

__attribute__((visibility("default"))) void fpgaas_grid_outputs(const void* net, int64_t* raw) {
  static_cast<const HostNet*>(net)->Outputs(raw);
}

__attribute__((visibility("default"))) void fpgaas_grid_destroy(void* net) {
  delete static_cast<HostNet*>(net);
}

}  // extern "C"
