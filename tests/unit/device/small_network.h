// A small hls4ml-style network for device tests: 4 inputs -> dense(3) -> relu, ap_fixed<16,6>.
#ifndef FPGAAS_TESTS_UNIT_DEVICE_SMALL_NETWORK_H_
#define FPGAAS_TESTS_UNIT_DEVICE_SMALL_NETWORK_H_

#include <memory>

#include "gtest/gtest.h"
#include "server/device/device.h"
#include "server/numerics/network.h"

namespace fpgaas::testing {

inline std::shared_ptr<const numerics::Network> SmallNetwork() {
  numerics::NetworkSpec spec;
  spec.input_type = numerics::FixedType{16, 6};
  spec.input_size = 4;
  numerics::DenseSpec dense;
  dense.n_in = 4;
  dense.n_out = 3;
  dense.weight_type = numerics::FixedType{16, 6};
  dense.bias_type = numerics::FixedType{16, 6};
  dense.accum_type = numerics::FixedType{32, 12};
  // Raw values (1024 = 1.0): mixed signs so that relu clips some outputs.
  dense.weights = {1024, -512, 300, -2048, 700, 128, 50, 1500, -900, -333, 64, 2047};
  dense.biases = {100, -200, 0};
  numerics::LayerSpec fc{"fc1", numerics::FixedType{16, 6}, dense};
  numerics::ActivationSpec relu_op;
  relu_op.kind = numerics::ActivationKind::kRelu;
  relu_op.n = 3;
  numerics::LayerSpec relu{"relu1", numerics::FixedType{16, 6}, relu_op};
  spec.layers = {fc, relu};
  auto network = numerics::Network::Create(spec);
  EXPECT_TRUE(network.ok()) << network.status();
  return network.ok() ? std::shared_ptr<const numerics::Network>(std::move(*network)) : nullptr;
}

inline DeviceModelSpec SmallModelSpec(int max_batch_size = 8, int compute_units = 1) {
  DeviceModelSpec spec;
  spec.model_name = "small";
  spec.version = 1;
  spec.network = SmallNetwork();
  spec.max_batch_size = max_batch_size;
  spec.compute_units = compute_units;
  spec.input_type = numerics::FixedType{16, 6};
  spec.output_type = numerics::FixedType{16, 6};
  spec.input_size = 4;
  spec.output_size = 3;
  return spec;
}

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_UNIT_DEVICE_SMALL_NETWORK_H_
