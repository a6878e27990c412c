// The shortest fpgaas program: one inference on a model served by fpgaasd.
//   first_inference [server] [model]   (defaults: localhost:8001 muon_pt)
#include <fpgaas/client.h>

#include <iostream>

int main(int argc, char** argv) {
  const std::string server = argc > 1 ? argv[1] : "localhost:8001";
  const std::string name = argc > 2 ? argv[2] : "muon_pt";

  fpgaas::Client client(server);
  auto model = client.GetModel(name);
  if (!model.ok()) {
    std::cerr << "GetModel: " << model.status() << "\n";
    return 1;
  }
  // input_size() is empty when the input has a variable dimension: then the sample size is
  // the caller's choice, and this example has no data to choose it from.
  if (!model->input_size()) {
    std::cerr << "model '" << name << "' input '" << model->input().name
              << "' has a variable dimension; this example needs a fixed shape\n";
    return 1;
  }
  std::vector<float> x(*model->input_size(), 0.5f);  // one sample
  auto y = model->Infer(x);
  if (!y.ok()) {
    std::cerr << "Infer: " << y.status() << "\n";
    return 1;
  }
  for (float value : *y) std::cout << value << "\n";
  return 0;
}
