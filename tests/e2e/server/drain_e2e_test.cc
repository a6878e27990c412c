// End to end: fpgaasd's drain on SIGTERM waits for in-flight RPCs, not for idle connections. The
// client here never polls an idle connection on its own (backup poll interval of an hour), so it
// never acknowledges the server's GOAWAY; fpgaasd, given an hour of grace, must still exit once
// no RPC is in flight (this test hangs until its ctest timeout otherwise). In-flight requests
// keeping their grace is server_integration_test's GateTest.ShutdownDrainsInFlightRequests.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/grpc_service.grpc.pb.h"
#include "tests/support/daemon.h"
#include "tests/support/test_models.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;

// Set before gRPC initialises.
[[maybe_unused]] const bool kIdleClientsNeverPoll = [] {
  setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "3600000", 1);
  return true;
}();

TEST(DrainTest, SigtermDoesNotWaitForAnIdleConnectedClient) {
  const fs::path scratch =
      fs::path(::testing::TempDir()) / absl::StrCat("fpgaasd_drain_e2e_", getpid());
  fs::remove_all(scratch);
  testing::WriteDenseModel(scratch, "dense", 4, 2, 16);
  testing::Daemon daemon({"--grpc-address=127.0.0.1", "--grpc-port=0", "--metrics-port=0",
                          "--device=emu", absl::StrCat("--model-repository=", scratch.string()),
                          "--drain-grace-seconds=3600"});
  ASSERT_TRUE(daemon.AwaitListening()) << daemon.log();
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", daemon.grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = inference::GRPCInferenceService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(stub->ServerReady(&context, {}, &ready).ok()) << daemon.log();
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);  // connected, now idle

  EXPECT_EQ(daemon.SignalAndWait(SIGTERM), 0) << daemon.log();
  EXPECT_THAT(daemon.log(), ::testing::HasSubstr("fpgaasd stopped"));
  fs::remove_all(scratch);
}

}  // namespace
}  // namespace fpgaas
