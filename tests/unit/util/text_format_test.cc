#include "server/util/text_format.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/model_config.pb.h"

namespace fpgaas {
namespace {

using ::testing::HasSubstr;

TEST(ParseTextFormatTest, ParsesAValidMessage) {
  inference::ModelConfig config;
  ASSERT_TRUE(ParseTextFormat("name: \"iris\"\nmax_batch_size: 8\n", &config).ok());
  EXPECT_EQ(config.name(), "iris");
  EXPECT_EQ(config.max_batch_size(), 8);
}

TEST(ParseTextFormatTest, ReportsEveryErrorWithOneBasedLineAndColumn) {
  inference::ModelConfig config;
  const absl::Status status = ParseTextFormat("name: \"iris\"\n  max_batch_sise: 8\n", &config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // protobuf counts from 0 and points just past the unknown name ("  max_batch_sise" ends at
  // 0-based column 16).
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 2 column 17: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("max_batch_sise"));
}

}  // namespace
}  // namespace fpgaas
