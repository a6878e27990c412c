#include "client/tools/common/args.h"

#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fpgaas::tools {

ArgParser::ArgParser(std::string usage, std::string description)
    : usage_(std::move(usage)), description_(std::move(description)) {}

void ArgParser::Add(const std::string& name, std::string* target, const std::string& help) {
  options_.push_back({name, target, help, target->empty() ? "" : "\"" + *target + "\""});
}
void ArgParser::Add(const std::string& name, int64_t* target, const std::string& help) {
  options_.push_back({name, target, help, absl::StrCat(*target)});
}
void ArgParser::Add(const std::string& name, double* target, const std::string& help) {
  options_.push_back({name, target, help, absl::StrCat(*target)});
}
void ArgParser::Add(const std::string& name, bool* target, const std::string& help) {
  options_.push_back({name, target, help, ""});
}

const ArgParser::Option* ArgParser::Find(const std::string& name) const {
  for (const Option& option : options_) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

absl::Status ArgParser::Parse(const std::vector<std::string>& args, size_t min_positional,
                              size_t max_positional) {
  positional_.clear();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      return absl::OkStatus();
    }
    if (!absl::StartsWith(arg, "--") || arg == "--") {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Option* option = Find(name);
    if (option == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    }
    if (auto* flag = std::get_if<bool*>(&option->target)) {
      if (!has_value) {
        **flag = true;
      } else if (!absl::SimpleAtob(value, *flag)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes true or false, got '", value, "'"));
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = args[++i];
    }
    if (auto* text = std::get_if<std::string*>(&option->target)) {
      **text = value;
    } else if (auto* integer = std::get_if<int64_t*>(&option->target)) {
      if (!absl::SimpleAtoi(value, *integer)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes an integer, got '", value, "'"));
      }
    } else if (auto* real = std::get_if<double*>(&option->target)) {
      if (!absl::SimpleAtod(value, *real)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes a number, got '", value, "'"));
      }
    }
  }
  if (positional_.size() < min_positional) {
    return absl::InvalidArgumentError(absl::StrCat("missing argument; usage: ", usage_));
  }
  if (positional_.size() > max_positional) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", positional_[max_positional], "'; usage: ", usage_));
  }
  for (const auto& check : checks_) {
    if (absl::Status status = check(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string ArgParser::Help() const {
  std::ostringstream out;
  out << "usage: " << usage_ << "\n\n" << description_ << "\n\noptions:\n";
  for (const Option& option : options_) {
    std::string left = "  --" + option.name;
    if (!std::holds_alternative<bool*>(option.target)) left += " <value>";
    out << left;
    if (left.size() < 28)
      out << std::string(28 - left.size(), ' ');
    else
      out << "\n" << std::string(28, ' ');
    out << option.help;
    if (!option.default_text.empty()) out << " (default " << option.default_text << ")";
    out << "\n";
  }
  out << "  --help                    this text\n";
  return out.str();
}

absl::Status ParseIntList(const std::string& text, std::vector<int64_t>& values) {
  values.clear();
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    int64_t value;
    if (!absl::SimpleAtoi(part, &value) || value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", text, "' is not a list of positive integers like 1,4,16"));
    }
    values.push_back(value);
  }
  if (values.empty()) return absl::InvalidArgumentError("empty list");
  return absl::OkStatus();
}

}  // namespace fpgaas::tools
