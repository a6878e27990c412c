#include "tests/support/triton/triton_schema.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/unknown_field_set.h"

namespace fpgaas::testing_triton {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class Errors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors.push_back(absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message));
  }
  std::vector<std::string> errors;
};

// Paths of the unknown fields in `message` and its sub-messages.
void CollectUnknown(const Message& message, const std::string& path,
                    std::vector<std::string>* found) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    found->push_back(absl::StrCat(path, "#", unknown.field(i).number()));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string at = absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        CollectUnknown(reflection->GetRepeatedMessage(message, field, i),
                       absl::StrCat(at, "[", i, "]"), found);
      }
    } else {
      CollectUnknown(reflection->GetMessage(message, field), at, found);
    }
  }
}

void Compare(const Descriptor* ours, const Descriptor* triton,
             const std::vector<std::string>& ignored, std::set<std::string>* visited,
             std::vector<std::string>* differences) {
  if (!visited->insert(ours->full_name()).second) return;
  for (int i = 0; i < ours->field_count(); ++i) {
    const FieldDescriptor* field = ours->field(i);
    if (std::find(ignored.begin(), ignored.end(), field->full_name()) != ignored.end()) continue;
    const FieldDescriptor* theirs = triton->FindFieldByName(field->name());
    if (theirs == nullptr) {
      differences->push_back(
          absl::StrCat(field->full_name(), ": not in Triton's ", triton->full_name()));
      continue;
    }
    if (theirs->number() != field->number() || theirs->type() != field->type() ||
        theirs->label() != field->label()) {
      differences->push_back(absl::StrCat(field->full_name(), " = ", field->number(), " (",
                                          field->type_name(), ") but Triton's is ",
                                          theirs->number(), " (", theirs->type_name(), ")"));
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      Compare(field->message_type(), theirs->message_type(), ignored, visited, differences);
    } else if (field->type() == FieldDescriptor::TYPE_ENUM) {
      for (int v = 0; v < field->enum_type()->value_count(); ++v) {
        const auto* value = field->enum_type()->value(v);
        const auto* their_value = theirs->enum_type()->FindValueByName(value->name());
        if (their_value == nullptr || their_value->number() != value->number()) {
          differences->push_back(
              absl::StrCat(value->full_name(), " = ", value->number(), ": not Triton's"));
        }
      }
    }
  }
}

}  // namespace

absl::Status ParseAsTriton(const std::string& text, triton_schema::ModelConfig* config) {
  triton_schema::ModelConfig parsed;
  Errors errors;
  google::protobuf::TextFormat::Parser parser;  // refuses unknown fields and extensions
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &parsed)) {
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors, "; "));
  }
  if (config != nullptr) *config = std::move(parsed);
  return absl::OkStatus();
}

absl::Status DecodeAsTriton(const std::string& bytes, triton_schema::ModelConfig* config) {
  triton_schema::ModelConfig decoded;
  if (!decoded.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("not a ModelConfig on the wire");
  }
  std::vector<std::string> unknown;
  CollectUnknown(decoded, "ModelConfig", &unknown);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("fields Triton does not know: ", absl::StrJoin(unknown, ", ")));
  }
  if (config != nullptr) *config = std::move(decoded);
  return absl::OkStatus();
}

std::vector<std::string> SchemaDifferences(const Descriptor* ours, const Descriptor* triton,
                                           const std::vector<std::string>& ignored) {
  std::vector<std::string> differences;
  std::set<std::string> visited;
  Compare(ours, triton, ignored, &visited, &differences);
  return differences;
}

}  // namespace fpgaas::testing_triton
