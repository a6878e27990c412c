// End to end on the example models of deploy/models: `fpgaas hls4ml predict` (importer + fast
// executor + CSV in/out) against the independent exact reference (fpgaas_reference_network, GMP
// rationals) on 10k random inputs per model, bit for bit; and the iris model's accuracy on its
// held-out set against the float model's.
#include <gmpxx.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/tools/hls4ml/hls4ml_command.h"
#include "gtest/gtest.h"
#include "server/numerics/hls4ml_project.h"
#include "tests/unit/hls4ml/test_util.h"
#include "tests/unit/numerics/reference_network.h"

namespace fpgaas {
namespace {

namespace fs = std::filesystem;
using ::fpgaas::testing_hls4ml::ModelsDir;
using ::fpgaas::testing_hls4ml::ReadText;
using ::fpgaas::testing_hls4ml::ScratchDir;
using ::fpgaas::testing_hls4ml::WriteText;
using numerics::FixedType;

constexpr int kSamples = 10000;
// The exact reference costs a few µs per multiply-accumulate: the 10k samples of a model are
// checked in shards, each its own test case, so that each stays well under a minute.
constexpr int kShards = 8;

std::vector<std::vector<double>> ReadCsvRows(const std::string& text, char separator = ',') {
  std::vector<std::vector<double>> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::vector<double> row;
    for (absl::string_view v : absl::StrSplit(line, separator, absl::SkipWhitespace())) {
      row.push_back(std::stod(std::string(v)));
    }
    rows.push_back(row);
  }
  return rows;
}

// Random inputs: mostly inside the input type's range (where models live), some beyond it (where
// the input conversion wraps or saturates), some exactly on and between grid points.
std::vector<std::vector<float>> RandomInputs(const FixedType& type, int size, uint32_t seed) {
  std::mt19937_64 rng(seed);
  const double range = std::ldexp(1.0, type.integer_bits - (type.is_signed ? 1 : 0));
  std::uniform_real_distribution<double> inside(-range, range), beyond(-4 * range, 4 * range);
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<int64_t> grid(-(int64_t{1} << (type.width - 1)),
                                              (int64_t{1} << (type.width - 1)) - 1);
  std::vector<std::vector<float>> rows(kSamples, std::vector<float>(size));
  for (auto& row : rows) {
    for (float& v : row) {
      const int p = pick(rng);
      if (p < 7) {
        v = static_cast<float>(inside(rng));
      } else if (p < 8) {
        v = static_cast<float>(beyond(rng));
      } else {
        // On the grid, or half-way between two points.
        v = static_cast<float>(std::ldexp(static_cast<double>(grid(rng)) + (p == 9 ? 0.5 : 0.0),
                                          -type.fractional_bits()));
      }
    }
  }
  return rows;
}

class ExampleModelTest : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

// Runs `predict` on `inputs` and compares every output with the exact reference, bit for bit.
void ExpectPredictMatchesReference(const fs::path& model, const std::string& name,
                                   const numerics::NetworkSpec& spec,
                                   const std::vector<std::vector<float>>& inputs,
                                   size_t first_index) {
  const FixedType& out_type = spec.layers.back().result_type;
  std::string csv;
  for (const auto& row : inputs) {
    std::vector<std::string> fields;
    // %.9g round-trips a float exactly, so the command reads back exactly these floats.
    for (float v : row) fields.push_back(absl::StrFormat("%.9g", v));
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  const fs::path dir = ScratchDir(name);
  WriteText(dir / "in.csv", csv);
  std::ostringstream out, err;
  ASSERT_EQ(RunHls4mlCommand({"predict", model.string(), "--input", (dir / "in.csv").string(),
                              "--output", (dir / "out.csv").string()},
                             out, err),
            0)
      << err.str();
  std::vector<std::vector<double>> outputs = ReadCsvRows(ReadText(dir / "out.csv"));
  ASSERT_EQ(outputs.size(), inputs.size());

  int mismatches = 0;
  for (size_t s = 0; s < inputs.size(); ++s) {
    std::vector<int64_t> raw_in;
    for (float v : inputs[s]) {
      mpz_class r =
          numerics::reference::ConvertExact(spec.input_type, mpq_class(static_cast<double>(v)));
      raw_in.push_back(r.get_si());
    }
    absl::StatusOr<std::vector<int64_t>> expected =
        numerics::reference::ReferenceRunRaw(spec, raw_in);
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_EQ(outputs[s].size(), expected->size());
    for (size_t j = 0; j < expected->size(); ++j) {
      // The printed value is exact: scaling by 2^F gives the raw integer back.
      const double raw = std::ldexp(outputs[s][j], out_type.fractional_bits());
      if (raw != static_cast<double>((*expected)[j]) && ++mismatches <= 5) {
        ADD_FAILURE() << name << " sample " << first_index + s + 1 << " output " << j
                      << ": predict " << outputs[s][j] << ", reference raw " << (*expected)[j]
                      << " (input " << absl::StrJoin(inputs[s], ",") << ")";
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_P(ExampleModelTest, PredictEqualsTheExactReferenceBitForBit) {
  const std::string name = std::get<0>(GetParam());
  const int shard = std::get<1>(GetParam());
  const fs::path model = ModelsDir() / name;
  absl::StatusOr<numerics::Hls4mlProject> project =
      numerics::ReadHls4mlProject(model / "1" / "hls4ml_prj");
  ASSERT_TRUE(project.ok()) << project.status();
  const numerics::NetworkSpec& spec = project->spec;
  auto all_inputs = RandomInputs(spec.input_type, spec.input_size, 20240601);
  const size_t per_shard = (all_inputs.size() + kShards - 1) / kShards;
  const size_t first = shard * per_shard, last = std::min(all_inputs.size(), first + per_shard);
  std::vector<std::vector<float>> inputs(all_inputs.begin() + first, all_inputs.begin() + last);
  ExpectPredictMatchesReference(model, name, spec, inputs, first);
}

// The team's fixtures cover what the example models do not: resource-strategy (transposed)
// weights, an AP_RND/AP_SAT batch-norm output, a sigmoid, the pre-1.x layout.
TEST(FixtureProjectsTest, PredictEqualsTheExactReferenceBitForBit) {
  for (const char* name : {"old_style", "new_style"}) {
    SCOPED_TRACE(name);
    const fs::path project_dir = testing_hls4ml::FixturesDir() / name;
    absl::StatusOr<numerics::Hls4mlProject> project = numerics::ReadHls4mlProject(project_dir);
    ASSERT_TRUE(project.ok()) << project.status();
    auto inputs = RandomInputs(project->spec.input_type, project->spec.input_size, 7);
    ExpectPredictMatchesReference(project_dir, name, project->spec, inputs, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(DeployModels, ExampleModelTest,
                         ::testing::Combine(::testing::Values("iris", "muon_pt", "jet_tagger"),
                                            ::testing::Range(0, kShards)),
                         [](const ::testing::TestParamInfo<ExampleModelTest::ParamType>& info) {
                           return absl::StrCat(std::get<0>(info.param), "_shard",
                                               std::get<1>(info.param));
                         });

// The held-out 30 % of Iris through fpgaas must classify nearly as well as the float model did:
// the floor is the float model's accuracy (from the float predictions hls4ml keeps in
// tb_data/tb_output_predictions.dat) minus a 5-point margin for ap_fixed<16,6>.
TEST(IrisAccuracyTest, FixedPointAccuracyIsCloseToTheFloatModel) {
  const fs::path model = ModelsDir() / "iris";
  std::vector<std::vector<double>> labels = ReadCsvRows(ReadText(model / "test_labels.csv"));
  std::vector<std::vector<double>> float_predictions = ReadCsvRows(
      ReadText(model / "1" / "hls4ml_prj" / "tb_data" / "tb_output_predictions.dat"), ' ');
  ASSERT_EQ(labels.size(), float_predictions.size());
  ASSERT_GE(labels.size(), 30u);

  const fs::path dir = ScratchDir("iris");
  std::ostringstream out, err;
  ASSERT_EQ(RunHls4mlCommand(
                {"predict", model.string(), "--input", (model / "test_features.csv").string(),
                 "--output", (dir / "out.csv").string()},
                out, err),
            0)
      << err.str();
  std::vector<std::vector<double>> predictions = ReadCsvRows(ReadText(dir / "out.csv"));
  ASSERT_EQ(predictions.size(), labels.size());

  auto argmax = [](const std::vector<double>& v) {
    return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
  };
  int float_correct = 0, fixed_correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const int label = static_cast<int>(labels[i][0]);
    float_correct += argmax(float_predictions[i]) == label;
    fixed_correct += argmax(predictions[i]) == label;
  }
  const double float_accuracy = static_cast<double>(float_correct) / labels.size();
  const double fixed_accuracy = static_cast<double>(fixed_correct) / labels.size();
  RecordProperty("float_accuracy", absl::StrCat(float_accuracy));
  RecordProperty("fpgaas_accuracy", absl::StrCat(fixed_accuracy));
  std::cout << "iris held-out accuracy: float " << float_accuracy << ", fpgaas " << fixed_accuracy
            << " (" << fixed_correct << "/" << labels.size() << ")\n";
  EXPECT_GE(fixed_accuracy, float_accuracy - 0.05);
}

}  // namespace
}  // namespace fpgaas
