// The client/examples programs run against the fake KServe v2 service: they answer a fixed-shape
// model and refuse a variable-shape one with a message (not a crash).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/client/fake_kserve_service.h"
#include "tests/support/temp_dir.h"

namespace fpgaas {
namespace {

using ::testing::HasSubstr;

struct ExampleRun {
  bool exited = false;  // false: killed by a signal (e.g. abort on an exception)
  int code = -1;
  std::string out, err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ExampleRun RunExample(const std::string& binary, const std::string& server,
                      const std::string& model) {
  const fpgaas::testing::TempDir dir("example_");
  const std::string base = (dir / "example").string();
  const std::string command =
      absl::StrCat(binary, " ", server, " ", model, " 8 >", base, ".out 2>", base, ".err");
  const int status = std::system(command.c_str());
  ExampleRun run;
  // The shell reports a child killed by signal N as exit status 128 + N.
  run.exited = WIFEXITED(status) && WEXITSTATUS(status) < 128;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadAll(base + ".out");
  run.err = ReadAll(base + ".err");
  return run;
}

class ExamplesTest : public ::testing::Test {
 protected:
  testing::FakeKServeServer server_;
};

TEST_F(ExamplesTest, FirstInferenceAnswersAFixedShapeModel) {
  ExampleRun run = RunExample(FIRST_INFERENCE, server_.address(), "muon_pt");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "1.5\n");  // 0.5 + 0.5 + 0.5
}

TEST_F(ExamplesTest, ExamplesRefuseAVariableShapeInputCleanly) {
  for (const char* example : {FIRST_INFERENCE, ASYNC_INFERENCE}) {
    ExampleRun run = RunExample(example, server_.address(), "varlen");
    EXPECT_TRUE(run.exited) << example << " crashed: " << run.err;
    EXPECT_EQ(run.code, 1) << example;
    EXPECT_THAT(run.err, HasSubstr("variable dimension")) << example;
  }
}

TEST_F(ExamplesTest, AsyncInferenceRunsAllThreeWays) {
  ExampleRun run = RunExample(ASYNC_INFERENCE, server_.address(), "muon_pt");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("futures and callbacks: 16 of 16 ok; stream: 8 of 8 ok"));
}

}  // namespace
}  // namespace fpgaas
