// Asynchronous inference three ways: futures, callbacks, and a ModelStreamInfer stream.
//   async_inference [server] [model] [requests]   (defaults: localhost:8001 muon_pt 64)
#include <fpgaas/client.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>

int main(int argc, char** argv) {
  const std::string server = argc > 1 ? argv[1] : "localhost:8001";
  const std::string name = argc > 2 ? argv[2] : "muon_pt";
  const int requests = argc > 3 ? std::atoi(argv[3]) : 64;

  fpgaas::ClientOptions options;
  options.deadline = std::chrono::seconds(5);
  fpgaas::Client client(server, options);
  auto model = client.GetModel(name);
  if (!model.ok()) {
    std::cerr << "GetModel: " << model.status() << "\n";
    return 1;
  }
  if (!model->input_size()) {
    std::cerr << "model '" << name << "' input has a variable dimension; this example needs a "
              << "fixed shape\n";
    return 1;
  }
  const std::vector<float> sample(*model->input_size(), 0.25f);

  // 1. Futures: all requests in flight at once, then collect.
  std::vector<std::future<fpgaas::InferResult>> futures;
  for (int i = 0; i < requests; ++i) futures.push_back(model->InferFuture(sample));
  int failed = 0;
  for (auto& future : futures) {
    auto result = future.get();
    if (!result.ok()) {
      if (failed++ == 0) std::cerr << "future: " << result.status() << "\n";
    }
  }

  // 2. Callbacks: they run on gRPC threads, so only count and signal there.
  std::mutex mu;
  std::condition_variable all_done;
  int pending = requests;
  for (int i = 0; i < requests; ++i) {
    model->InferAsync(sample, 1, [&](fpgaas::InferResult result) {
      std::lock_guard<std::mutex> lock(mu);
      if (!result.ok() && failed++ == 0) std::cerr << "callback: " << result.status() << "\n";
      if (--pending == 0) all_done.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    all_done.wait(lock, [&] { return pending == 0; });
  }

  // 3. A stream: responses come back tagged with the id Send returned.
  std::atomic<int> answered{0};
  auto stream = model->OpenStream([&](uint64_t id, fpgaas::InferResult result) {
    if (result.ok()) answered++;
  });
  if (!stream.ok()) {
    std::cerr << "OpenStream: " << stream.status() << "\n";
    return 1;
  }
  for (int i = 0; i < requests; ++i) (void)(*stream)->Send(sample);
  absl::Status finished = (*stream)->Finish();

  std::cout << "futures and callbacks: " << 2 * requests - failed << " of " << 2 * requests
            << " ok; stream: " << answered << " of " << requests << " ok ("
            << (finished.ok() ? "closed cleanly" : finished.ToString()) << ")\n";
  return failed == 0 && answered == requests && finished.ok() ? 0 : 1;
}
