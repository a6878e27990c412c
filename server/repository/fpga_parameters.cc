#include "server/repository/fpga_parameters.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"

namespace fpgaas {
namespace {

enum class Kind { kString, kList, kUnsigned };

// One key and the FpgaSettings member it fills (exactly one of the three, or none for a key
// another component reads).
struct Key {
  const char* name;
  std::string FpgaSettings::*text = nullptr;
  std::vector<std::string> FpgaSettings::*list = nullptr;
  uint64_t FpgaSettings::*number = nullptr;

  Kind kind() const {
    return list != nullptr ? Kind::kList : number != nullptr ? Kind::kUnsigned : Kind::kString;
  }
};
// Every key fpgaas reads. A new setting is one line here plus its FpgaSettings member.
const Key kKeys[] = {
    {kFpgaKernelName, &FpgaSettings::kernel_name},
    {kFpgaKernelArguments, nullptr, &FpgaSettings::kernel_arguments},
    {kFpgaInputPrecision, &FpgaSettings::input_precision},
    {kFpgaOutputPrecision, &FpgaSettings::output_precision},
    {kFpgaXclbin, &FpgaSettings::xclbin},
    {kFpgaAwsXclbin, &FpgaSettings::awsxclbin},
    {kFpgaHls4mlProject, &FpgaSettings::hls4ml_project},
    {kFpgaDevices, nullptr, &FpgaSettings::devices},
    {kFpgaKernelTimeoutUs, nullptr, nullptr, &FpgaSettings::kernel_timeout_us},
    {kFpgaNonFiniteInputs},
};
constexpr absl::string_view kPrefix = "fpga.";

const Key* FindKey(absl::string_view name) {
  for (const Key& key : kKeys) {
    if (name == key.name) return &key;
  }
  return nullptr;
}

std::vector<std::string> SplitList(absl::string_view value) {
  std::vector<std::string> items;
  if (absl::StripAsciiWhitespace(value).empty()) return items;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    items.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return items;
}

// The value as fpgaas understands it, for comparing two spellings of one setting.
std::string Canonical(Kind kind, const std::string& value) {
  switch (kind) {
    case Kind::kList:
      return absl::StrJoin(SplitList(value), ",");
    case Kind::kUnsigned: {
      uint64_t number = 0;
      return absl::SimpleAtoi(value, &number) ? absl::StrCat(number) : value;
    }
    case Kind::kString:
      break;
  }
  return value;
}

// One field of the deprecated block as a parameter value (lists joined with ',').
std::string BlockValue(const google::protobuf::Message& block,
                       const google::protobuf::FieldDescriptor* field) {
  const google::protobuf::Reflection* reflection = block.GetReflection();
  using google::protobuf::FieldDescriptor;
  if (field->is_repeated()) {
    std::vector<std::string> items;
    for (int i = 0; i < reflection->FieldSize(block, field); ++i) {
      items.push_back(reflection->GetRepeatedString(block, field, i));
    }
    return absl::StrJoin(items, ",");
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_UINT64) {
    return absl::StrCat(reflection->GetUInt64(block, field));
  }
  return reflection->GetString(block, field);
}

}  // namespace

absl::StatusOr<bool> MoveFpgaBlockToParameters(inference::ModelConfig* config) {
  if (!config->has_fpga()) return false;
  const inference::FpgaConfig& block = config->fpga();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  block.GetReflection()->ListFields(block, &fields);  // the fields set, in field-number order
  auto& parameters = *config->mutable_parameters();
  for (const google::protobuf::FieldDescriptor* field : fields) {
    const std::string key = absl::StrCat(kPrefix, field->name());
    const Key* known = FindKey(key);
    const Kind kind = known != nullptr ? known->kind() : Kind::kString;
    std::string value = BlockValue(block, field);
    auto it = parameters.find(key);
    if (it != parameters.end()) {
      if (Canonical(kind, it->second.string_value()) != Canonical(kind, value)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "fpga.", field->name(), " is \"", value, "\" in the deprecated fpga { } block but \"",
            it->second.string_value(), "\" in parameters { key: \"", key,
            "\" }; keep the parameter and remove the fpga { } block"));
      }
      continue;
    }
    parameters[key].set_string_value(std::move(value));
  }
  config->clear_fpga();
  return true;
}

absl::StatusOr<FpgaSettings> ReadFpgaParameters(const inference::ModelConfig& config) {
  FpgaSettings settings;
  for (const auto& [name, parameter] : config.parameters()) {
    if (!absl::StartsWith(name, kPrefix)) continue;
    const Key* key = FindKey(name);
    if (key == nullptr) {
      std::vector<std::string> known;
      for (const Key& k : kKeys) known.push_back(k.name);
      return absl::InvalidArgumentError(absl::StrCat("parameters: unknown key \"", name,
                                                     "\" (fpgaas reads ",
                                                     absl::StrJoin(known, ", "), ")"));
    }
    const std::string& value = parameter.string_value();
    if (key->list != nullptr) {
      std::vector<std::string> items = SplitList(value);
      for (const std::string& item : items) {
        if (item.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              name, ": \"", value, "\" has an empty item (a comma-separated list is expected)"));
        }
      }
      settings.*(key->list) = std::move(items);
    } else if (key->number != nullptr) {
      if (!absl::SimpleAtoi(value, &(settings.*(key->number)))) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": \"", value, "\" is not a non-negative integer"));
      }
    } else if (key->text != nullptr) {
      settings.*(key->text) = value;
    }
  }
  return settings;
}

void WriteFpgaParameters(const FpgaSettings& settings, inference::ModelConfig* config) {
  auto& parameters = *config->mutable_parameters();
  for (const Key& key : kKeys) {
    std::string value =
        key.list != nullptr ? absl::StrJoin(settings.*(key.list), ",")
        : key.number != nullptr
            ? (settings.*(key.number) == 0 ? std::string() : absl::StrCat(settings.*(key.number)))
        : key.text != nullptr ? settings.*(key.text)
                              : std::string();
    if (!value.empty()) parameters[key.name].set_string_value(std::move(value));
  }
}

const std::string& FpgaParameter(const inference::ModelConfig& config, absl::string_view key) {
  static const std::string* const kAbsent = new std::string();
  auto it = config.parameters().find(std::string_view(key.data(), key.size()));
  return it == config.parameters().end() ? *kAbsent : it->second.string_value();
}

std::string FpgaParametersText(const inference::ModelConfig& config) {
  inference::ModelConfig only;
  for (const auto& [name, parameter] : config.parameters()) {
    if (absl::StartsWith(name, kPrefix)) (*only.mutable_parameters())[name] = parameter;
  }
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string text;
  printer.PrintToString(only, &text);
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

}  // namespace fpgaas
