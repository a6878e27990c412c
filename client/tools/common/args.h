// A small command-line parser for one subcommand: --name=value / --name value options, bool
// switches, positional arguments, and generated --help text. Not thread-safe (use per call).
#ifndef FPGAAS_CLIENT_TOOLS_COMMON_ARGS_H_
#define FPGAAS_CLIENT_TOOLS_COMMON_ARGS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace fpgaas::tools {

class ArgParser {
 public:
  // usage: e.g. "fpgaas infer <model> --input in.csv"; description: one paragraph.
  ArgParser(std::string usage, std::string description);

  // Each option writes into `target`, whose current value is the default shown in --help.
  void Add(const std::string& name, std::string* target, const std::string& help);
  void Add(const std::string& name, int64_t* target, const std::string& help);
  void Add(const std::string& name, double* target, const std::string& help);
  void Add(const std::string& name, bool* target, const std::string& help);  // a switch
  // A check of the parsed values (e.g. a range), run at the end of a successful Parse; its error
  // is Parse's.
  void AddCheck(std::function<absl::Status()> check) { checks_.push_back(std::move(check)); }

  // Parses args (without the program and subcommand names). Unknown options, missing values,
  // bad numbers and a wrong positional count are InvalidArgument with a message naming them.
  absl::Status Parse(const std::vector<std::string>& args, size_t min_positional,
                     size_t max_positional);

  bool help_requested() const { return help_; }
  const std::vector<std::string>& positional() const { return positional_; }
  std::string Help() const;

 private:
  struct Option {
    std::string name;
    std::variant<std::string*, int64_t*, double*, bool*> target;
    std::string help;
    std::string default_text;
  };
  const Option* Find(const std::string& name) const;

  std::string usage_;
  std::string description_;
  std::vector<Option> options_;
  std::vector<std::function<absl::Status()>> checks_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

// "1,4,16" → {1, 4, 16}; InvalidArgument on anything else.
absl::Status ParseIntList(const std::string& text, std::vector<int64_t>& values);

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_COMMON_ARGS_H_
