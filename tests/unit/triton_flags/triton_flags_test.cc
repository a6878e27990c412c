// tritonserver's command line (as SuperSONIC's chart passes it) becomes fpgaasd's.
#include "server/triton_flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgaas {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(TritonFlagsTest, SuperSonicCommandLine) {
  TranslatedFlags out = TranslateTritonFlags(
      {"fpgaasd", "--model_repository=/a", "--model_repository", "/b", "--log_verbose=1",
       "--exit_timeout_secs=30", "--strict_model_config=false", "--allow_gpu_metrics=true",
       "--grpc_port=8001", "--http_port=8000", "--metrics_port=8002",
       "--model_control_mode=explicit", "--load_model=m", "--backend_config", "x=1"});
  EXPECT_THAT(out.model_repositories, ElementsAre("/a", "/b"));
  EXPECT_THAT(out.args,
              ElementsAre("fpgaasd", "--model_repository=/a", "--model_repository=/b",
                          "--log_level=debug", "--drain_grace_seconds=30", "--grpc_port=8001",
                          "--http_port=8000", "--metrics_port=8002",
                          "--model_control_mode=explicit", "--load_model=m"));
  // One line for each tritonserver flag that was dropped or rewritten.
  ASSERT_THAT(out.warnings, SizeIs(5));
  EXPECT_THAT(out.warnings[0], HasSubstr("--log_verbose=1 taken as --log-level=debug"));
  EXPECT_THAT(out.warnings[1], HasSubstr("--exit_timeout_secs=30 taken as --drain-grace-seconds"));
  EXPECT_THAT(out.warnings[2], HasSubstr("--strict_model_config=false ignored"));
  EXPECT_THAT(out.warnings[4], HasSubstr("--backend_config=x=1 ignored"));
}

TEST(TritonFlagsTest, MappedFlags) {
  TranslatedFlags out = TranslateTritonFlags(
      {"fpgaasd", "--allow_http=false", "--http_thread_count=4", "--grpc_server_cert=c.pem",
       "--grpc_server_key=k.pem", "--log_verbose=0", "--allow_http=true"});
  EXPECT_THAT(out.args, ElementsAre("fpgaasd", "--http_port=-1", "--http_threads=4",
                                    "--tls_cert=c.pem", "--tls_key=k.pem"));
  EXPECT_THAT(out.warnings, SizeIs(6));
}

TEST(TritonFlagsTest, OwnFlagsAndPositionalsUntouched) {
  const std::vector<std::string> args = {"fpgaasd", "--device=emu", "--unknown_flag=1", "--",
                                         "--log_verbose=1"};
  TranslatedFlags out = TranslateTritonFlags(args);
  EXPECT_EQ(out.args, args);  // unknown flags stay for absl to refuse; nothing after "--"
  EXPECT_TRUE(out.warnings.empty());
}

}  // namespace
}  // namespace fpgaas
