// `fpgaas validate`: runs a data set through the server and compares with reference outputs.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/tools/cli/cli.h"
#include "client/tools/common/args.h"
#include "client/tools/common/connection_flags.h"
#include "client/tools/common/csv.h"
#include "client/tools/common/report.h"
#include "fpgaas/client.h"

namespace fpgaas::tools {
namespace {

int ArgMax(const float* values, size_t count) {
  return static_cast<int>(std::max_element(values, values + count) - values);
}

}  // namespace

int RunValidate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  std::string input, reference, report, task = "regression", version;
  int64_t batch = 0;
  double max_abs_error = -1;
  double min_accuracy = -1;
  ArgParser parser(
      "fpgaas validate <model> --input in.csv --reference ref.csv [--report out.html] "
      "[--task regression|classification]",
      "Runs every row of --input through the model and compares the answers with the\n"
      "matching row of --reference (a float model's predictions or the expected values).\n"
      "Prints max/mean absolute and relative error; --report writes an HTML page with the\n"
      "resolution histogram (pred - ref)/ref (regression) or the accuracy and confusion\n"
      "matrix (classification: predicted class = argmax of the outputs, or output > 0.5 for one\n"
      "output; a one-column reference holds class labels, a wider one scores).");
  connection.AddTo(parser);
  parser.Add("input", &input, "CSV file, one sample per row");
  parser.Add("reference", &reference, "CSV file, the expected outputs, one row per sample");
  parser.Add("report", &report, "HTML report to write");
  parser.Add("task", &task, "regression or classification");
  parser.Add("batch", &batch, "samples per request (0 = the model's max_batch_size)");
  parser.Add("model-version", &version, "version (default: the server's choice)");
  parser.Add("max-abs-error", &max_abs_error, "exit 1 if the max absolute error is larger");
  parser.Add("min-accuracy", &min_accuracy, "exit 1 if the accuracy (0..1) is lower");
  absl::Status parsed = parser.Parse(args, 1, 1);
  if (parser.help_requested()) {
    out << parser.Help();
    return 0;
  }
  if (!parsed.ok()) {
    err << "fpgaas validate: " << parsed.message() << "\n";
    return 2;
  }
  if (input.empty() || reference.empty()) {
    err << "fpgaas validate: --input and --reference are required (see --help)\n";
    return 2;
  }
  if (task != "regression" && task != "classification") {
    err << "fpgaas validate: --task must be regression or classification, got '" << task << "'\n";
    return 2;
  }
  auto inputs = ReadCsv(input);
  if (!inputs.ok()) {
    err << "fpgaas validate: " << inputs.status().message() << "\n";
    return 2;
  }
  auto references = ReadCsv(reference);
  if (!references.ok()) {
    err << "fpgaas validate: " << references.status().message() << "\n";
    return 2;
  }
  const size_t rows = inputs->rows.size();
  if (references->rows.size() != rows) {
    err << "fpgaas validate: " << input << " has " << rows << " rows but " << reference << " has "
        << references->rows.size() << "\n";
    return 2;
  }

  Client client(connection.server, connection.ToOptions());
  auto model = client.GetModel(parser.positional()[0], version);
  if (!model.ok()) return ReportError("validate", connection.server, model.status(), err);
  const std::optional<int64_t> input_size = model->input_size();
  if (input_size && static_cast<int64_t>(inputs->columns()) != *input_size) {
    err << "fpgaas validate: " << input << ":" << inputs->line_numbers.front() << ": "
        << inputs->columns() << " values per row, but the model takes " << *input_size << "\n";
    return 2;
  }
  if (batch <= 0) batch = DefaultBatch(*model);
  std::vector<float> predictions;
  for (size_t first = 0; first < rows; first += batch) {
    const size_t count = std::min<size_t>(batch, rows - first);
    std::vector<float> samples;
    for (size_t r = first; r < first + count; ++r) {
      samples.insert(samples.end(), inputs->rows[r].begin(), inputs->rows[r].end());
    }
    auto result = model->InferBatch(samples, count);
    if (!result.ok()) return ReportError("validate", connection.server, result.status(), err);
    predictions.insert(predictions.end(), result->begin(), result->end());
  }
  const size_t outputs = predictions.size() / rows;
  const size_t ref_columns = references->columns();
  const bool labels = task == "classification" && ref_columns == 1 && outputs > 1;
  if (!labels && ref_columns != outputs) {
    err << "fpgaas validate: " << reference << " has " << ref_columns
        << " values per row but the model answers " << outputs << "\n";
    return 2;
  }

  // Element-wise errors (skipped when the reference holds class labels).
  std::vector<double> abs_errors, rel_errors, resolution;
  size_t zero_references = 0;
  if (!labels) {
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < outputs; ++c) {
        const double pred = predictions[r * outputs + c], ref = references->rows[r][c];
        abs_errors.push_back(std::abs(pred - ref));
        if (ref == 0) {
          ++zero_references;
          continue;
        }
        resolution.push_back((pred - ref) / ref);
        rel_errors.push_back(std::abs(pred - ref) / std::abs(ref));
      }
    }
  }
  auto max_of = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  };
  auto mean_of = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  };
  std::vector<std::vector<std::string>> summary = {
      {"model", model->name()}, {"samples", absl::StrCat(rows)}, {"task", task}};
  out << "model " << model->name() << ": " << rows << " samples, " << outputs << " outputs each\n";
  if (!labels) {
    const double mean_res = mean_of(resolution);
    double var = 0;
    for (double v : resolution) var += (v - mean_res) * (v - mean_res);
    const double rms = resolution.empty() ? 0 : std::sqrt(var / resolution.size());
    out << absl::StrFormat("max absolute error:  %.6g\nmean absolute error: %.6g\n",
                           max_of(abs_errors), mean_of(abs_errors));
    out << absl::StrFormat("max relative error:  %.6g\nmean relative error: %.6g",
                           max_of(rel_errors), mean_of(rel_errors));
    if (zero_references > 0) out << " (" << zero_references << " zero references skipped)";
    out << "\n";
    if (task == "regression") {
      out << absl::StrFormat("resolution (pred-ref)/ref: mean %.6g, std dev %.6g\n", mean_res, rms);
    }
    summary.push_back({"max absolute error", absl::StrFormat("%.6g", max_of(abs_errors))});
    summary.push_back({"mean absolute error", absl::StrFormat("%.6g", mean_of(abs_errors))});
    summary.push_back({"max relative error", absl::StrFormat("%.6g", max_of(rel_errors))});
    summary.push_back({"mean relative error", absl::StrFormat("%.6g", mean_of(rel_errors))});
    summary.push_back({"resolution mean", absl::StrFormat("%.6g", mean_res)});
    summary.push_back({"resolution std dev", absl::StrFormat("%.6g", rms)});
  }

  double accuracy = 1;
  std::vector<std::vector<uint64_t>> confusion;
  if (task == "classification") {
    auto predicted_class = [&](size_t r) {
      const float* row = &predictions[r * outputs];
      return outputs == 1 ? (row[0] > 0.5f ? 1 : 0) : ArgMax(row, outputs);
    };
    auto reference_class = [&](size_t r) {
      const auto& row = references->rows[r];
      if (labels) return static_cast<int>(std::lround(row[0]));
      return row.size() == 1 ? (row[0] > 0.5f ? 1 : 0) : ArgMax(row.data(), row.size());
    };
    int classes = std::max<int>(2, static_cast<int>(outputs));
    for (size_t r = 0; r < rows; ++r) classes = std::max(classes, reference_class(r) + 1);
    if (classes > 1000) {
      err << "fpgaas validate: reference labels go up to " << classes - 1
          << "; is this a regression data set?\n";
      return 2;
    }
    confusion.assign(classes, std::vector<uint64_t>(classes, 0));
    size_t agree = 0;
    for (size_t r = 0; r < rows; ++r) {
      const int ref = reference_class(r), pred = predicted_class(r);
      if (ref < 0) {
        err << "fpgaas validate: " << reference << ":" << references->line_numbers[r]
            << ": negative class label\n";
        return 2;
      }
      confusion[ref][pred]++;
      if (ref == pred) ++agree;
    }
    accuracy = static_cast<double>(agree) / rows;
    out << absl::StrFormat("accuracy (agreement): %.4f (%d of %d)\n", accuracy, agree, rows);
    summary.push_back({"accuracy (agreement)", absl::StrFormat("%.4f", accuracy)});
  }

  if (!report.empty()) {
    std::string body = HtmlTable({"quantity", "value"}, summary);
    if (task == "regression") {
      body += "<h2>Resolution</h2>\n" +
              SvgHistogram(resolution, "resolution (pred - ref) / ref", "(pred - ref) / ref") +
              "\n<h2>Absolute error</h2>\n" +
              SvgHistogram(abs_errors, "absolute error |pred - ref|", "|pred - ref|");
    } else {
      body += "<h2>Confusion matrix</h2>\n" + SvgConfusionMatrix(confusion);
      if (!labels) {
        body += "\n<h2>Absolute error of the scores</h2>\n" +
                SvgHistogram(abs_errors, "absolute error |pred - ref|", "|pred - ref|");
      }
    }
    std::ofstream file(report, std::ios::binary);
    file << HtmlPage(absl::StrCat("fpgaas validate: ", model->name()), body);
    if (!file) {
      err << "fpgaas validate: cannot write '" << report << "'\n";
      return 1;
    }
    out << "report: " << report << "\n";
  }
  if (max_abs_error >= 0 && max_of(abs_errors) > max_abs_error) {
    err << "fpgaas validate: max absolute error " << max_of(abs_errors) << " exceeds "
        << max_abs_error << "\n";
    return 1;
  }
  if (min_accuracy >= 0 && accuracy < min_accuracy) {
    err << "fpgaas validate: accuracy " << accuracy << " is below " << min_accuracy << "\n";
    return 1;
  }
  return 0;
}

}  // namespace fpgaas::tools
