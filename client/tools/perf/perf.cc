#include "client/tools/perf/perf.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "client/tools/common/args.h"
#include "client/tools/common/connection_flags.h"
#include "client/tools/common/report.h"
#include "fpgaas/client.h"

namespace fpgaas::tools {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct PerfFlags {
  std::string concurrency = "1";
  double request_rate = 0;  // requests/s; > 0 = open loop
  int64_t batch = 1;
  std::string mode = "unary";
  double duration_s = 5;
  int64_t count = 0;  // requests per level; > 0 overrides duration
  double warmup_s = 1;
  int64_t stats_interval_ms = 100;
  std::string csv, json, html;
  int64_t seed = 1;
};

// Server-side averages per request (µs) over an interval, from two ModelStatistics snapshots.
struct StageSplit {
  bool valid = false;
  uint64_t requests = 0;
  uint64_t executions = 0;
  double queue_us = 0, input_us = 0, compute_us = 0, output_us = 0, total_us = 0;
};

double AverageUs(const StatDuration& before, const StatDuration& after) {
  const uint64_t count = after.count - before.count;
  return count == 0 ? 0.0 : (after.ns - before.ns) / 1000.0 / count;
}

StageSplit Delta(const ModelStatistics& before, const ModelStatistics& after) {
  StageSplit split;
  split.requests = after.success.count - before.success.count;
  split.executions = after.execution_count - before.execution_count;
  split.valid = split.requests > 0;
  split.queue_us = AverageUs(before.queue, after.queue);
  split.input_us = AverageUs(before.compute_input, after.compute_input);
  split.compute_us = AverageUs(before.compute_infer, after.compute_infer);
  split.output_us = AverageUs(before.compute_output, after.compute_output);
  split.total_us = AverageUs(before.success, after.success);
  return split;
}

struct LevelResult {
  std::string level;  // "concurrency 4" or "rate 1000/s"
  int64_t concurrency = 0;
  double request_rate = 0;
  uint64_t requests = 0;
  uint64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  std::vector<double> latencies_us;  // sorted
  StageSplit server;
  // Per stats interval averages (µs), for the per-stage histograms.
  std::vector<double> queue_samples, input_samples, compute_samples, output_samples;

  double throughput() const { return seconds > 0 ? requests / seconds : 0; }
};

// Collects latencies and errors from any thread.
class Recorder {
 public:
  void Ok(double latency_us) {
    absl::MutexLock lock(&mu_);
    latencies_.push_back(latency_us);
  }
  void Error(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    if (errors_++ == 0) first_error_ = status.ToString();
  }
  void MoveInto(LevelResult& result) {
    absl::MutexLock lock(&mu_);
    result.latencies_us = std::move(latencies_);
    std::sort(result.latencies_us.begin(), result.latencies_us.end());
    result.requests = result.latencies_us.size();
    result.errors = errors_;
    result.first_error = first_error_;
  }

 private:
  absl::Mutex mu_;
  std::vector<double> latencies_ ABSL_GUARDED_BY(mu_);
  uint64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
};

double MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
}

// Decides when a run ends: after `count` requests were started, or at `deadline`.
class Budget {
 public:
  Budget(double seconds, int64_t count)
      : count_(count),
        deadline_(SteadyClock::now() + std::chrono::microseconds(int64_t(seconds * 1e6))) {}
  // True if one more request may start.
  bool Take() {
    if (count_ > 0) return started_.fetch_add(1) < count_;
    return SteadyClock::now() < deadline_;
  }

 private:
  const int64_t count_;
  const SteadyClock::time_point deadline_;
  std::atomic<int64_t> started_{0};
};

// A stream request not yet answered: when its latency counts from, and when it was sent.
struct StreamRequest {
  SteadyClock::time_point start;
  SteadyClock::time_point sent;
};

class LoadRunner {
 public:
  // deadline: how long a request may stay unanswered (the client deadline; 0 = forever).
  LoadRunner(const Model& model, const PerfFlags& flags, std::chrono::milliseconds deadline)
      : model_(model), flags_(flags), deadline_(deadline) {
    std::mt19937 random(static_cast<uint32_t>(flags.seed));
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    const bool several = model.inputs().size() > 1;
    for (int i = 0; i < 16; ++i) {
      if (several) {
        // Every input, named (the sizes were checked fixed by RunPerf).
        NamedTensors tensors;
        for (const TensorMetadata& input : model.inputs()) {
          int64_t n = 1;
          for (int64_t d : input.shape) n *= d;
          NamedTensor tensor{input.name, std::vector<float>(n * flags.batch)};
          for (float& v : tensor.values) v = uniform(random);
          tensors.push_back(std::move(tensor));
        }
        named_inputs_.push_back(std::move(tensors));
        continue;
      }
      std::vector<float> values(*model.input_size() * flags.batch);
      for (float& v : values) v = uniform(random);
      inputs_.push_back(std::move(values));
    }
  }

  // Runs one load shape for `seconds` / `count` requests, recording into `recorder` (or not).
  absl::Status Run(int64_t concurrency, double rate, double seconds, int64_t count,
                   Recorder* recorder) {
    Budget budget(seconds, count);
    if (rate > 0) return OpenLoop(rate, budget, recorder);
    if (flags_.mode == "stream") return ClosedLoopStream(concurrency, budget, recorder);
    ClosedLoopUnary(concurrency, budget, recorder);
    return absl::OkStatus();
  }

 private:
  const std::vector<float>& Input(uint64_t i) const { return inputs_[i % inputs_.size()]; }

  // Waits until every stream request is answered. Streams have no deadline, so a request
  // unanswered for longer than the client deadline (the server lost it) is recorded as
  // DEADLINE_EXCEEDED, with every other one still unanswered; then sending stops and the caller
  // must cancel the stream. Returns true if it gave up.
  bool AwaitStreamAnswers(absl::Mutex& mu, std::map<uint64_t, StreamRequest>& unanswered,
                          bool& stopped, Recorder* recorder) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto drained = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return unanswered.empty(); };
    if (deadline_.count() <= 0) {
      mu.Await(absl::Condition(&drained));
      return false;
    }
    while (!unanswered.empty()) {
      // Ids grow in send order: the first entry was sent first.
      const auto expiry = unanswered.begin()->second.sent + deadline_;
      const auto now = SteadyClock::now();
      if (now < expiry) {
        mu.AwaitWithTimeout(absl::Condition(&drained), absl::FromChrono(expiry - now));
        continue;
      }
      if (recorder) {
        for (size_t i = 0; i < unanswered.size(); ++i) {
          recorder->Error(absl::DeadlineExceededError(
              absl::StrCat("no stream response within ", deadline_.count(), " ms")));
        }
      }
      unanswered.clear();
      stopped = true;
      return true;
    }
    return false;
  }

  void ClosedLoopUnary(int64_t concurrency, Budget& budget, Recorder* recorder) {
    std::vector<std::thread> workers;
    for (int64_t w = 0; w < concurrency; ++w) {
      workers.emplace_back([&, w] {
        for (uint64_t i = w; budget.Take(); i += concurrency) {
          const auto start = SteadyClock::now();
          absl::Status status;
          if (named_inputs_.empty()) {
            status = model_.InferBatch(Input(i), flags_.batch).status();
          } else {
            status = model_.InferTensors(named_inputs_[i % named_inputs_.size()], flags_.batch)
                         .status();
          }
          if (recorder == nullptr) continue;
          if (status.ok()) {
            recorder->Ok(MicrosSince(start));
          } else {
            recorder->Error(status);
          }
        }
      });
    }
    for (auto& worker : workers) worker.join();
  }

  absl::Status ClosedLoopStream(int64_t concurrency, Budget& budget, Recorder* recorder) {
    absl::Mutex mu;
    std::map<uint64_t, StreamRequest> started;  // guarded by mu
    bool stopped = false;                       // guarded by mu
    InferStream* stream = nullptr;
    uint64_t sent = 0;
    // Sends one request if the budget allows; call with mu held.
    auto send_one = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      if (stopped || !budget.Take()) return;
      auto id = stream->Send(Input(sent++), flags_.batch);
      if (!id.ok()) {
        if (recorder) recorder->Error(id.status());
        return;
      }
      const auto now = SteadyClock::now();
      started[*id] = StreamRequest{now, now};
    };
    auto opened = model_.OpenStream([&](uint64_t id, InferResult result) {
      absl::MutexLock lock(&mu);
      auto it = started.find(id);
      if (it == started.end()) return;  // given up on already
      if (recorder) {
        if (result.ok()) {
          recorder->Ok(MicrosSince(it->second.start));
        } else {
          recorder->Error(result.status());
        }
      }
      started.erase(it);
      send_one();
    });
    if (!opened.ok()) return opened.status();
    bool gave_up;
    {
      absl::MutexLock lock(&mu);
      stream = opened->get();
      for (int64_t i = 0; i < concurrency; ++i) send_one();
      gave_up = AwaitStreamAnswers(mu, started, stopped, recorder);
    }
    if (gave_up) {
      (*opened)->Cancel();
      (void)(*opened)->Finish();  // CANCELLED: the lost requests are already recorded
      return absl::OkStatus();
    }
    return (*opened)->Finish();
  }

  absl::Status OpenLoop(double rate, Budget& budget, Recorder* recorder) {
    const auto interval = std::chrono::duration<double>(1.0 / rate);
    const auto begin = SteadyClock::now();
    absl::Mutex mu;
    int64_t outstanding = 0;                           // unary calls in flight; guarded by mu
    std::map<uint64_t, StreamRequest> stream_started;  // guarded by mu
    bool stopped = false;                              // guarded by mu
    auto finish = [&](SteadyClock::time_point scheduled, const InferResult& result) {
      if (recorder) {
        if (result.ok()) {
          recorder->Ok(MicrosSince(scheduled));
        } else {
          recorder->Error(result.status());
        }
      }
      absl::MutexLock lock(&mu);
      --outstanding;
    };
    std::unique_ptr<InferStream> stream;
    if (flags_.mode == "stream") {
      auto opened = model_.OpenStream([&](uint64_t id, InferResult result) {
        SteadyClock::time_point scheduled;
        {
          absl::MutexLock lock(&mu);
          auto it = stream_started.find(id);
          if (it == stream_started.end()) return;  // given up on already
          scheduled = it->second.start;
          stream_started.erase(it);
        }
        if (recorder) {
          if (result.ok()) {
            recorder->Ok(MicrosSince(scheduled));
          } else {
            recorder->Error(result.status());
          }
        }
      });
      if (!opened.ok()) return opened.status();
      stream = *std::move(opened);
    }
    for (uint64_t i = 0; budget.Take(); ++i) {
      const auto scheduled =
          begin + std::chrono::duration_cast<SteadyClock::duration>(interval * double(i));
      std::this_thread::sleep_until(scheduled);
      {
        absl::MutexLock lock(&mu);
        if (stream) {
          auto id = stream->Send(Input(i), flags_.batch);
          if (!id.ok()) {
            if (recorder) recorder->Error(id.status());
            continue;
          }
          stream_started[*id] = StreamRequest{scheduled, SteadyClock::now()};
          continue;
        }
        ++outstanding;
      }
      // Without the lock: the answer may arrive (and take it in `finish`) before this returns.
      model_.InferAsync(Input(i), flags_.batch,
                        [&finish, scheduled](InferResult result) { finish(scheduled, result); });
    }
    if (stream) {
      bool gave_up;
      {
        absl::MutexLock lock(&mu);
        gave_up = AwaitStreamAnswers(mu, stream_started, stopped, recorder);
      }
      if (!gave_up) return stream->Finish();
      stream->Cancel();
      (void)stream->Finish();  // CANCELLED: the lost requests are already recorded
      return absl::OkStatus();
    }
    absl::MutexLock lock(&mu);
    auto drained = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return outstanding == 0; };
    mu.Await(absl::Condition(&drained));  // each unary call ends by its own deadline
    return absl::OkStatus();
  }

  const Model& model_;
  const PerfFlags& flags_;
  const std::chrono::milliseconds deadline_;
  std::vector<std::vector<float>> inputs_;
  std::vector<NamedTensors> named_inputs_;  // models with several inputs
};

// Polls ModelStatistics while a level runs, for per-interval stage averages.
class StatsSampler {
 public:
  StatsSampler(const Model& model, int64_t interval_ms, LevelResult& result)
      : model_(model),
        interval_(std::chrono::milliseconds(std::max<int64_t>(10, interval_ms))),
        result_(result) {
    auto first = model_.Statistics();
    if (!first.ok()) return;  // a server without statistics: no split
    first_ = *first;
    thread_ = std::thread([this] { Loop(); });
  }

  // Stops sampling; fills result.server from the first and last snapshot.
  void Stop() {
    if (!first_) return;
    stop_.Notify();
    thread_.join();
    auto last = model_.Statistics();
    if (last.ok()) {
      AddInterval(*previous_, *last);
      result_.server = Delta(*first_, *last);
    }
  }

 private:
  void Loop() {
    previous_ = first_;
    while (!stop_.WaitForNotificationWithTimeout(absl::FromChrono(interval_))) {
      auto now = model_.Statistics();
      if (!now.ok()) continue;
      AddInterval(*previous_, *now);
      previous_ = *now;
    }
  }
  void AddInterval(const ModelStatistics& before, const ModelStatistics& after) {
    StageSplit split = Delta(before, after);
    if (!split.valid) return;
    result_.queue_samples.push_back(split.queue_us);
    result_.input_samples.push_back(split.input_us);
    result_.compute_samples.push_back(split.compute_us);
    result_.output_samples.push_back(split.output_us);
  }

  const Model& model_;
  const std::chrono::milliseconds interval_;
  LevelResult& result_;
  std::optional<ModelStatistics> first_, previous_;
  absl::Notification stop_;
  std::thread thread_;
};

std::string Us(double value) { return absl::StrFormat("%.1f", value); }

std::vector<std::string> CsvHeader() {
  return {"level",
          "concurrency",
          "request_rate",
          "requests",
          "errors",
          "seconds",
          "throughput_rps",
          "samples_per_s",
          "p50_us",
          "p90_us",
          "p95_us",
          "p99_us",
          "max_us",
          "mean_us",
          "server_queue_us",
          "server_input_us",
          "server_compute_us",
          "server_output_us",
          "server_total_us"};
}

// One report cell: a count (printed as an integer) or a measurement.
struct Number {
  Number(double v, bool is_count = false) : value(v), count(is_count) {}  // NOLINT: implicit
  double value;
  bool count;
};

std::vector<Number> Numbers(const LevelResult& r, int64_t batch) {
  const auto& l = r.latencies_us;
  const double mean = l.empty() ? 0 : std::accumulate(l.begin(), l.end(), 0.0) / l.size();
  return {{double(r.concurrency), true},
          {r.request_rate},
          {double(r.requests), true},
          {double(r.errors), true},
          {r.seconds},
          r.throughput(),
          r.throughput() * batch,
          Percentile(l, 50),
          Percentile(l, 90),
          Percentile(l, 95),
          Percentile(l, 99),
          l.empty() ? 0 : l.back(),
          mean,
          r.server.queue_us,
          r.server.input_us,
          r.server.compute_us,
          r.server.output_us,
          r.server.total_us};
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Counts as integers; measurements (µs, s, per s) in fixed point to the ns / µs / 0.001, never
// in exponent form, so 1234567 µs stays 1234567.000.
std::string FormatNumber(const Number& number) {
  if (!std::isfinite(number.value)) return "";
  if (number.count) return absl::StrCat(static_cast<int64_t>(std::llround(number.value)));
  return absl::StrFormat("%.3f", number.value);
}

std::string JsonNumber(const Number& number) {
  return std::isfinite(number.value) ? FormatNumber(number) : "null";
}

std::string ToJson(const std::string& model, const std::string& server, const PerfFlags& flags,
                   const std::vector<LevelResult>& results) {
  std::string json =
      absl::StrCat("{\n  \"model\": ", JsonString(model), ",\n  \"server\": ", JsonString(server),
                   ",\n  \"mode\": ", JsonString(flags.mode), ",\n  \"batch\": ", flags.batch,
                   ",\n  \"levels\": [");
  const auto header = CsvHeader();
  for (size_t i = 0; i < results.size(); ++i) {
    json += i ? ",\n    {" : "\n    {";
    json += absl::StrCat("\"level\": ", JsonString(results[i].level));
    const auto values = Numbers(results[i], flags.batch);
    for (size_t k = 0; k < values.size(); ++k) {
      json += absl::StrCat(", \"", header[k + 1], "\": ", JsonNumber(values[k]));
    }
    json += absl::StrCat(", \"server_split_valid\": ", results[i].server.valid ? "true" : "false");
    if (!results[i].first_error.empty()) {
      json += absl::StrCat(", \"first_error\": ", JsonString(results[i].first_error));
    }
    json += "}";
  }
  json += "\n  ]\n}\n";
  return json;
}

std::string ToCsv(const PerfFlags& flags, const std::vector<LevelResult>& results) {
  std::string csv = absl::StrJoin(CsvHeader(), ",") + "\n";
  for (const auto& result : results) {
    std::vector<std::string> cells = {result.level};
    for (const Number& value : Numbers(result, flags.batch)) cells.push_back(FormatNumber(value));
    csv += absl::StrJoin(cells, ",") + "\n";
  }
  return csv;
}

std::string ToHtml(const std::string& model, const std::string& server, const PerfFlags& flags,
                   const std::vector<LevelResult>& results) {
  std::string body = absl::StrCat(
      "<p>model <b>", HtmlEscape(model), "</b> on ", HtmlEscape(server), ", mode ",
      HtmlEscape(flags.mode), ", batch ", flags.batch,
      ". Latency is measured by the client per request; the server split is the per-request "
      "average from ModelStatistics deltas, and its histograms show the averages of each ",
      flags.stats_interval_ms, " ms interval.</p>\n");
  std::vector<std::vector<std::string>> rows;
  const auto header = CsvHeader();
  for (const auto& result : results) {
    std::vector<std::string> row = {result.level};
    for (const Number& value : Numbers(result, flags.batch)) row.push_back(FormatNumber(value));
    rows.push_back(row);
  }
  body += HtmlTable(header, rows);
  for (const auto& result : results) {
    body += absl::StrCat("<h2>", HtmlEscape(result.level), "</h2>\n<div>");
    body += SvgHistogram(result.latencies_us, "total latency per request (client)", "µs");
    body += SvgHistogram(result.queue_samples, "server: queue", "µs per request");
    body += SvgHistogram(result.input_samples, "server: input transfer", "µs per request");
    body += SvgHistogram(result.compute_samples, "server: compute", "µs per request");
    body += SvgHistogram(result.output_samples, "server: output transfer", "µs per request");
    body += "</div>\n";
  }
  return HtmlPage(absl::StrCat("fpgaas-perf: ", model), body);
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

}  // namespace

int RunPerf(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ConnectionFlags connection;
  // No retries by default: a rejection (UNAVAILABLE when the queue is full) retried would be
  // reported as a slow success, and retries multiply the load on a saturated server.
  connection.retries = 0;
  PerfFlags flags;
  std::string version;
  ArgParser parser(
      "fpgaas-perf <model> [--concurrency 1,4,16 | --request-rate R] [--batch N] "
      "[--mode unary|stream] [--duration S | --count N] [--warmup S] [--csv f] [--json f] "
      "[--html f]",
      "Measures a model's throughput and latency (p50/p90/p95/p99/max) under load, and the\n"
      "server-side split (queue, input transfer, compute, output transfer) from\n"
      "ModelStatistics. Works against any KServe v2 server.");
  connection.AddTo(parser);
  parser.Add("concurrency", &flags.concurrency, "closed loop: requests in flight, a list to sweep");
  parser.Add("request-rate", &flags.request_rate, "open loop: requests per second (> 0)");
  parser.Add("batch", &flags.batch, "samples per request");
  parser.Add("mode", &flags.mode, "unary (ModelInfer) or stream (ModelStreamInfer)");
  parser.Add("duration", &flags.duration_s, "seconds measured per level");
  parser.Add("count", &flags.count, "requests measured per level (overrides --duration)");
  parser.Add("warmup", &flags.warmup_s, "seconds of unrecorded load before each level");
  parser.Add("stats-interval-ms", &flags.stats_interval_ms, "ModelStatistics sampling period");
  parser.Add("csv", &flags.csv, "write the results as CSV");
  parser.Add("json", &flags.json, "write the results as JSON");
  parser.Add("html", &flags.html, "write an HTML report with SVG histograms");
  parser.Add("seed", &flags.seed, "random input seed");
  parser.Add("model-version", &version, "version (default: the server's choice)");
  absl::Status parsed = parser.Parse(args, 1, 1);
  if (parser.help_requested()) {
    out << parser.Help();
    return 0;
  }
  std::vector<int64_t> levels;
  if (parsed.ok()) parsed = ParseIntList(flags.concurrency, levels);
  if (parsed.ok() && flags.mode != "unary" && flags.mode != "stream") {
    parsed = absl::InvalidArgumentError("--mode must be unary or stream");
  }
  if (parsed.ok() && (flags.batch < 1 || flags.duration_s <= 0 || flags.warmup_s < 0 ||
                      flags.count < 0 || flags.request_rate < 0)) {
    parsed = absl::InvalidArgumentError(
        "--batch must be >= 1, --duration > 0, --warmup/--count/--request-rate >= 0");
  }
  if (!parsed.ok()) {
    err << "fpgaas-perf: " << parsed.message() << "\n(see --help)\n";
    return 2;
  }
  const std::string& model_name = parser.positional()[0];
  Client client(connection.server, connection.ToOptions());
  auto model = client.GetModel(model_name, version);
  if (!model.ok()) {
    err << "fpgaas-perf: " << model.status() << "\n";
    return 1;
  }
  if (model->inputs().size() > 1) {
    for (const TensorMetadata& input : model->inputs()) {
      for (int64_t d : input.shape) {
        if (d <= 0) {
          err << "fpgaas-perf: input '" << input.name
              << "' has a variable dimension; not supported\n";
          return 2;
        }
      }
    }
    if (flags.mode == "stream" || flags.request_rate > 0) {
      err << "fpgaas-perf: model '" << model_name << "' takes " << model->inputs().size()
          << " inputs; it is measured with unary requests in closed loop (no --mode stream or "
             "--request-rate)\n";
      return 2;
    }
  } else if (!model->input_size() || *model->input_size() <= 0) {
    err << "fpgaas-perf: model input shape has a variable dimension; not supported\n";
    return 2;
  }
  if (model->max_batch_size() > 0 ? flags.batch > model->max_batch_size() : flags.batch != 1) {
    err << "fpgaas-perf: --batch " << flags.batch << " exceeds the model's max_batch_size "
        << model->max_batch_size() << "\n";
    return 2;
  }

  LoadRunner runner(*model, flags, std::chrono::milliseconds(connection.timeout_ms));
  std::vector<LevelResult> results;
  if (flags.request_rate > 0) levels = {0};
  out << absl::StrFormat("%-16s %10s %10s %9s %9s %9s %9s %9s | %8s %8s %8s %8s  (server µs)\n",
                         "level", "req/s", "samples/s", "p50 µs", "p90 µs", "p95 µs", "p99 µs",
                         "max µs", "queue", "input", "compute", "output");
  for (int64_t concurrency : levels) {
    LevelResult result;
    result.concurrency = concurrency;
    result.request_rate = flags.request_rate;
    result.level = flags.request_rate > 0 ? absl::StrCat("rate ", flags.request_rate, "/s")
                                          : absl::StrCat("concurrency ", concurrency);
    if (flags.warmup_s > 0) {
      absl::Status warm =
          runner.Run(concurrency, flags.request_rate, flags.warmup_s, 0, /*recorder=*/nullptr);
      if (!warm.ok()) {
        err << "fpgaas-perf: warm-up: " << warm << "\n";
        return 1;
      }
    }
    Recorder recorder;
    StatsSampler sampler(*model, flags.stats_interval_ms, result);
    const auto start = SteadyClock::now();
    absl::Status ran =
        runner.Run(concurrency, flags.request_rate, flags.duration_s, flags.count, &recorder);
    result.seconds = MicrosSince(start) / 1e6;
    sampler.Stop();
    if (!ran.ok()) {
      err << "fpgaas-perf: " << result.level << ": " << ran << "\n";
      return 1;
    }
    recorder.MoveInto(result);
    const auto numbers = Numbers(result, flags.batch);
    out << absl::StrFormat("%-16s %10.1f %10.1f %9.1f %9.1f %9.1f %9.1f %9.1f | %8s %8s %8s %8s\n",
                           result.level, numbers[5].value, numbers[6].value, numbers[7].value,
                           numbers[8].value, numbers[9].value, numbers[10].value, numbers[11].value,
                           result.server.valid ? Us(result.server.queue_us) : "-",
                           result.server.valid ? Us(result.server.input_us) : "-",
                           result.server.valid ? Us(result.server.compute_us) : "-",
                           result.server.valid ? Us(result.server.output_us) : "-");
    if (result.errors > 0) {
      out << "  " << result.errors << " failed requests; first: " << result.first_error << "\n";
    }
    results.push_back(std::move(result));
  }

  for (const auto& [path, text] :
       {std::pair{flags.csv, ToCsv(flags, results)},
        std::pair{flags.json, ToJson(model_name, connection.server, flags, results)},
        std::pair{flags.html, ToHtml(model_name, connection.server, flags, results)}}) {
    if (path.empty()) continue;
    absl::Status written = WriteText(path, text);
    if (!written.ok()) {
      err << "fpgaas-perf: " << written.message() << "\n";
      return 1;
    }
    out << "wrote " << path << "\n";
  }
  uint64_t total_errors = 0;
  for (const auto& result : results) total_errors += result.errors;
  return total_errors == 0 ? 0 : 1;
}

}  // namespace fpgaas::tools
