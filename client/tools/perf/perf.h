// fpgaas-perf: a load generator for any KServe v2 server (uses only ModelMetadata, ModelConfig,
// ModelInfer / ModelStreamInfer and ModelStatistics).
//
// Closed loop: for each --concurrency level, that many requests are always in flight (one
// thread each in unary mode, that many outstanding requests on one stream in stream mode).
// Open loop: --request-rate R sends R requests per second on a fixed schedule whatever the
// answers; latency counts from the scheduled send time, so a slow server cannot hide queueing.
// Each level runs a warm-up, then the measurement, bounded by --duration or --count. The
// server-side split (queue, input transfer, compute, output transfer) comes from
// ModelStatistics deltas over the measurement, sampled every --stats-interval-ms for the
// per-stage histograms.
#ifndef FPGAAS_CLIENT_TOOLS_PERF_PERF_H_
#define FPGAAS_CLIENT_TOOLS_PERF_PERF_H_

#include <ostream>
#include <string>
#include <vector>

namespace fpgaas::tools {

// args: everything after the program name. Exit codes as the fpgaas CLI (0, 1 failed, 2 usage).
int RunPerf(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpgaas::tools

#endif  // FPGAAS_CLIENT_TOOLS_PERF_PERF_H_
