// Fuzzes RepositoryModelLoad as a client sends it: its parameters ("config" JSON, "file:<version>/
// <path>" uploads) through KServeCore (authorization and registration quota of an --auth-config
// administrator, parameter decoding) into a real ModelRepository (explicit mode, emulated FPGA)
// that validates, stages and loads the uploaded hls4ml project.
//
// Input: one mode byte, then a serialized inference.RepositoryModelLoadRequest. Mode 0 merges it
// over a valid upload (model "up", a dense hls4ml project, its config), so that mutations start
// from a project that loads; mode 1 sends it alone.
// Invariants: the load answers (no crash, no exception); an error has a known code and a message
// that is non-empty, bounded (client strings are cut) and never quotes a file outside the
// repository (a sentinel file beside it); nothing is written outside the repository folder; a
// model that loaded is READY and unloads.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/stubs/logging.h"
#include "proto/grpc_service.pb.h"
#include "server/device/device_manager.h"
#include "server/frontend/auth.h"
#include "server/frontend/kserve_core.h"
#include "server/metrics/metrics.h"
#include "server/repository/repository.h"
#include "server/util/clock.h"
#include "spdlog/spdlog.h"
#include "tests/fuzz/targets/fuzz_check.h"
#include "tests/support/test_models.h"

namespace {

namespace fs = std::filesystem;

constexpr char kSecret[] = "FUZZ-SECRET-7f3a91";
constexpr char kConfigJson[] =
    R"({"name":"up","platform":"fpgaas_hls4ml","max_batch_size":4,)"
    R"("input":[{"name":"input_1","data_type":"TYPE_FP32","dims":[3]}],)"
    R"("output":[{"name":"layer2_out","data_type":"TYPE_FP32","dims":[2]}]})";

// Everything the target reuses across inputs; the scratch folder goes when the process exits.
struct World {
  World() {
    spdlog::set_level(spdlog::level::off);
    google::protobuf::SetLogHandler(nullptr);
    scratch = fs::temp_directory_path() / absl::StrCat("repository_load_fuzzer_", getpid());
    fs::remove_all(scratch);
    fs::create_directories(scratch / "models");
    fpgaas::testing::WriteTextFile(scratch / "secret.txt", absl::StrCat(kSecret, ", 1.0\n"));
    // The valid upload mode 0 starts from.
    fpgaas::testing::WriteDenseProject(scratch / "template" / "1" / "hls4ml_prj", 3, 2);
    template_request.set_model_name("up");
    (*template_request.mutable_parameters())["config"].set_string_param(kConfigJson);
    for (const auto& [path, bytes] : fpgaas::testing::FilesUnder(scratch / "template", "file:")) {
      (*template_request.mutable_parameters())[path].set_bytes_param(bytes);
    }
    fs::remove_all(scratch / "template");

    metrics = fpgaas::MetricsRegistry::Create();
    fpgaas::DeviceManagerOptions device_options;
    device_options.clock = &clock;
    device_options.devices = "emu";
    devices = *fpgaas::DeviceManager::Create(std::move(device_options));
    fpgaas::ModelRepositoryOptions repository_options;
    repository_options.root = scratch / "models";
    repository_options.devices = devices.get();
    repository_options.metrics = metrics.get();
    repository_options.clock = &clock;
    repository_options.control_mode = fpgaas::ModelControlMode::kExplicit;
    repository = *fpgaas::ModelRepository::Create(std::move(repository_options));
    fpgaas::frontend::KServeCoreOptions core_options;
    core_options.repository = repository.get();
    core_options.devices = devices.get();
    core_options.clock = &clock;
    core = std::make_unique<fpgaas::frontend::KServeCore>(std::move(core_options));
    authorizer = *fpgaas::frontend::Authorizer::FromConfigText(
        "client { name: \"ops\" token: \"t\" role: REPOSITORY_ADMIN "
        "quota { max_bytes: 4000000 max_files: 200 max_versions: 4 } }",
        scratch.string(), "fuzz config");
  }
  ~World() {
    core.reset();  // joins the load threads
    repository.reset();
    devices.reset();
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
  }

  fs::path scratch;
  inference::RepositoryModelLoadRequest template_request;
  fpgaas::RealClock clock;
  std::unique_ptr<fpgaas::MetricsRegistry> metrics;
  std::unique_ptr<fpgaas::DeviceManager> devices;
  std::unique_ptr<fpgaas::ModelRepository> repository;
  std::unique_ptr<fpgaas::frontend::KServeCore> core;
  std::unique_ptr<fpgaas::frontend::Authorizer> authorizer;
};

bool KnownCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* const world = [] {
    static World instance;  // destroyed at exit: removes the scratch folder
    return &instance;
  }();
  if (size < 1) return 0;
  inference::RepositoryModelLoadRequest request;
  if (data[0] % 2 == 0) request = world->template_request;
  inference::RepositoryModelLoadRequest input;
  if (!input.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  request.MergeFrom(input);

  const std::string value = "Bearer t";
  const absl::string_view authorization(value);
  absl::StatusOr<fpgaas::frontend::Principal> caller =
      world->authorizer->Authenticate(&authorization, {});
  FUZZ_CHECK(caller.ok());

  absl::Status status;
  absl::Notification done;
  world->core->RepositoryModelLoad(*caller, request, [&](absl::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  static const bool kVerbose = std::getenv("FPGAAS_FUZZ_VERBOSE") != nullptr;
  if (kVerbose) std::fprintf(stderr, "%s\n", status.ToString().c_str());

  if (!status.ok()) {
    FUZZ_CHECK(KnownCode(status.code()));
    FUZZ_CHECK(!status.message().empty());
    FUZZ_CHECK(status.message().size() < 4096);
    FUZZ_CHECK(!absl::StrContains(status.message(), kSecret));
  }
  // Nothing beside the repository folder and the sentinel.
  for (const fs::directory_entry& entry : fs::directory_iterator(world->scratch)) {
    const std::string name = entry.path().filename().string();
    FUZZ_CHECK(name == "models" || name == "secret.txt");
  }
  if (status.ok()) {
    absl::StatusOr<std::shared_ptr<const fpgaas::ServingModel>> model =
        world->repository->Get(request.model_name(), "");
    FUZZ_CHECK(model.ok());
    model->reset();
    FUZZ_CHECK(world->repository->Unload(request.model_name()).ok());
    fs::remove_all(world->scratch / "models" / request.model_name());  // keeps the disk bounded
  }
  return 0;
}
