// Protobuf text format parsing with the parser's own error messages, for config.pbtxt files read by
// the server and by the client (`fpgaas register`).
#ifndef FPGAAS_SERVER_UTIL_TEXT_FORMAT_H_
#define FPGAAS_SERVER_UTIL_TEXT_FORMAT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace fpgaas {

// Collects text-format parse errors as "line L column C: what" (1-based; protobuf counts from 0).
class TextFormatErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// Parses `text` into `message`. InvalidArgument with the parser's errors joined by "; " (callers
// put the file name in front).
inline absl::Status ParseTextFormat(const std::string& text, google::protobuf::Message* message) {
  TextFormatErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (parser.ParseFromString(text, message)) return absl::OkStatus();
  return absl::InvalidArgumentError(errors.errors().empty() ? std::string("cannot parse")
                                                            : absl::StrJoin(errors.errors(), "; "));
}

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_TEXT_FORMAT_H_
