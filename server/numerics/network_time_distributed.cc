// TimeDistributed (hls4ml 1.3's nnet_time_distributed.h loop in the top function): the body network
// runs on every time step's slice; what is computed is written down at TimeDistributedSpec
// (network.h).
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/numerics/network_kernels_internal.h"
#include "server/numerics/network_layers_internal.h"

namespace fpgaas::numerics::internal {
namespace {

absl::Status Invalid(const LayerSpec& s, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("layer \"", s.name, "\": ", why));
}

// The steps are independent (every hls4ml io_parallel layer is a function of its input array), so
// the time steps of a block of samples run as one batch of the body: sample b's step t is body
// sample b * n_time_steps + t, which is exactly the packed layout of the block's samples.
class TimeDistributedLayer final : public ExtraLayer {
 public:
  TimeDistributedLayer(std::unique_ptr<Network> body, int steps, const FixedType& in, int n_in)
      : body_(std::move(body)), steps_(steps), in_(in), n_in_(n_in) {
    n_out_ = steps * body_->output_size();
    macs_ = steps * body_->macs_per_sample();
  }

  void Run(const int64_t* const* x, int64_t* y) const override { RunBlock(x, y, 1, 1); }

  void RunBlock(const int64_t* const* x, int64_t* y, int count, int lanes) const override {
    // Per call, not thread_local: the body may hold a TimeDistributed layer of its own.
    std::vector<uint8_t> in(static_cast<size_t>(count) * n_in_ * in_.container_bytes());
    std::vector<uint8_t> out(static_cast<size_t>(count) * steps_ *
                             body_->output_bytes_per_sample());
    PackBlock(in_, x[0], n_in_, count, lanes, in.data());
    body_->Run(in.data(), out.data(), static_cast<size_t>(count) * steps_);
    UnpackBlock(body_->output_type(), out.data(), n_out_, count, lanes, y);
  }

 private:
  std::unique_ptr<Network> body_;
  int steps_;
  FixedType in_;
  int n_in_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExtraLayer>> CompileTimeDistributed(const LayerSpec& spec,
                                                                   const TimeDistributedSpec& td,
                                                                   const LayerInput& input) {
  if (td.n_time_steps <= 0 || input.size % td.n_time_steps != 0) {
    return Invalid(spec, absl::StrCat(input.size, " input values are not ", td.n_time_steps,
                                      " time steps of equal size"));
  }
  NetworkSpec body;
  body.input_type = input.type;
  body.input_size = input.size / td.n_time_steps;
  body.layers = td.layers;
  if (!td.output.empty()) body.outputs = {td.output};
  absl::StatusOr<std::unique_ptr<Network>> net = Network::Create(std::move(body));
  if (!net.ok()) {
    return absl::Status(
        net.status().code(),
        absl::StrCat("layer \"", spec.name, "\" (time distributed): ", net.status().message()));
  }
  if ((*net)->num_outputs() != 1) return Invalid(spec, "its body has more than one output");
  // write_time_step copies the body's output without a conversion.
  if (!((*net)->output_type() == spec.result_type)) {
    return Invalid(spec, absl::StrCat("result type ", spec.result_type.ToString(),
                                      " differs from its body's output type ",
                                      (*net)->output_type().ToString()));
  }
  return std::make_unique<TimeDistributedLayer>(*std::move(net), td.n_time_steps, input.type,
                                                input.size);
}

}  // namespace fpgaas::numerics::internal
