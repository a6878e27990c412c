#!/usr/bin/env python3
"""The request-path ratios of issue 15, measured in one run on this machine.

Starts fpgaasd (emulated device, deploy/models/muon_pt) on free ports and drives it with nghttp2's
h2load, an independent HTTP/2 load generator: every request is a raw HTTP/2 POST whose body is one
prebuilt gRPC-framed message (grpc_body), with the headers `content-type: application/grpc` and
`te: trailers`, i.e. a gRPC unary call. ModelInfer is compared with ServerLive (an empty RPC, gRPC's
own floor on the same server and connection setup). Then server_bench (the project's own client,
generated stubs, in-process server) gives the same latency ratio, the in-process batcher's rate and
the blocking-vs-async client rates.

    tests/bench/h2load/h2load_bench.py [--build-dir build] [--short] [--seconds 5]

--short (what the ctest labelled `perf` runs) measures briefly and only prints: speed is reported,
never asserted. Needs h2load and nghttp (Debian package nghttp2-client); exits 77 (ctest: skipped)
without them.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MODEL = "muon_pt"
INPUT = "input_1"
VALUES = 27
SERVICE = "/inference.GRPCInferenceService/"
HEADERS = ["-H", "content-type: application/grpc", "-H", "te: trailers"]


def fail(message):
    print("h2load_bench: " + message, file=sys.stderr)
    sys.exit(1)


class Daemon:
    """fpgaasd on free ports; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, fpgaasd, root, extra_flags):
        self.proc = subprocess.Popen(
            [fpgaasd, "--grpc-address=127.0.0.1", "--grpc-port=0", "--http-port=-1",
             "--metrics-address=127.0.0.1", "--metrics-port=0", "--device=emu",
             "--model-repository=" + os.path.join(root, "deploy", "models"),
             "--model-control-mode=explicit", "--load-model=" + MODEL, "--log-level=warn"]
            + extra_flags,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"gRPC on ([0-9.]+):(\d+)", line)
        if not match:
            self.stop()
            fail("fpgaasd did not start: " + line.strip())
        self.address = "http://%s:%s" % (match.group(1), match.group(2))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def check_grpc_ok(address, method, body):
    """One call with nghttp: HTTP 200 alone says nothing about a gRPC call, grpc-status does."""
    out = subprocess.run(["nghttp", "-n", "-v", "-d", body] + HEADERS + [address + SERVICE + method],
                         capture_output=True, text=True, errors="replace", timeout=30).stdout
    status = re.findall(r"grpc-status: (\d+)", out)
    if status != ["0"]:
        message = re.findall(r"grpc-message: (.*)", out)
        fail("%s answered grpc-status %s %s" % (method, status, message))


def h2load(address, method, body, clients, streams, seconds, warmup, log_dir):
    """Rate (requests/s over the measured period) and per-request latencies (us) of one run."""
    log = os.path.join(log_dir, "%s-%d-%d.log" % (method, clients, streams))
    cmd = ["h2load", "-c", str(clients), "-m", str(streams), "-t", "1",
           "-D", "%dms" % (seconds * 1000), "--warm-up-time", "%dms" % (warmup * 1000), "--log-file", log,
           "-d", body] + HEADERS + [address + SERVICE + method]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + warmup + 60).stdout
    rate = re.search(r"finished in [0-9.]+m?s, ([0-9.]+) req/s", out)
    done = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded", out)
    if not rate or not done or done.group(3) == "0" or done.group(2) != done.group(3):
        fail("h2load %s: unexpected output\n%s" % (method, out))
    latencies = []
    with open(log) as f:
        for row in f:
            fields = row.split("\t")
            if len(fields) >= 3 and fields[1] == "200":
                latencies.append(float(fields[2]))
    os.unlink(log)
    if not latencies:
        fail("h2load %s: empty log" % method)
    return float(rate.group(1)), latencies


def server_bench(binary, seconds, tmp):
    pattern = ("BM_(UnarySingleSampleLatency|ServerLiveLatency|UnaryThroughput|"
               "ServerLiveThroughput|ConcurrentSingleSample|InProcessSchedulerThroughput)")
    report = os.path.join(tmp, "server_bench.json")
    out = subprocess.run([binary, "--benchmark_filter=" + pattern,
                          "--benchmark_min_time=%g" % seconds, "--benchmark_out=" + report,
                          "--benchmark_out_format=json"],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        fail("server_bench failed:\n" + out.stderr[-2000:])
    results = {}
    with open(report) as f:
        benchmarks = json.load(f)["benchmarks"]
    for b in benchmarks:
        if b.get("error_occurred"):
            fail("server_bench %s: %s" % (b["name"], b.get("error_message")))
        results[b["name"]] = b
    return results


def find(results, prefix):
    for name, b in results.items():
        if name.startswith(prefix):
            return b
    fail("server_bench: no %s" % prefix)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(root, "build"))
    parser.add_argument("--short", action="store_true", help="brief runs, report only (CI)")
    parser.add_argument("--seconds", type=float, default=5, help="per h2load run")
    parser.add_argument("--no-server-bench", action="store_true")
    parser.add_argument("--fpgaasd-flag", action="append", default=[],
                        help="extra fpgaasd flag (repeatable), e.g. --fpgaasd-flag=--grpc-max-threads=4")
    args = parser.parse_args()
    if not shutil.which("h2load") or not shutil.which("nghttp"):
        print("h2load_bench: h2load/nghttp not installed (Debian: nghttp2-client); skipped")
        return 77
    build = os.path.abspath(args.build_dir)
    fpgaasd = os.path.join(build, "server", "fpgaasd")
    grpc_body = os.path.join(build, "tests", "bench", "h2load", "grpc_body")
    bench = os.path.join(build, "tests", "bench", "e2e", "server_bench")
    for path in (fpgaasd, grpc_body):
        if not os.access(path, os.X_OK):
            fail("missing %s (build it first)" % path)
    seconds = 1.0 if args.short else args.seconds
    warmup = 0.3 if args.short else 1.0

    with tempfile.TemporaryDirectory(prefix="h2load_bench.") as tmp:
        bodies = {}
        for name, argv in (("live", ["live"]), ("infer1", ["infer", MODEL, INPUT, str(VALUES), "1"]),
                           ("infer1024", ["infer", MODEL, INPUT, str(VALUES), "1024"])):
            bodies[name] = os.path.join(tmp, name + ".bin")
            with open(bodies[name], "wb") as f:
                subprocess.run([grpc_body] + argv, stdout=f, check=True)

        load = os.getloadavg()
        daemon = Daemon(fpgaasd, root, args.fpgaasd_flag)
        try:
            check_grpc_ok(daemon.address, "ServerLive", bodies["live"])
            check_grpc_ok(daemon.address, "ModelInfer", bodies["infer1"])
            check_grpc_ok(daemon.address, "ModelInfer", bodies["infer1024"])
            run = lambda method, body, c, m: h2load(daemon.address, method, bodies[body], c, m,
                                                    seconds, warmup, tmp)
            _, live_lat = run("ServerLive", "live", 1, 1)
            _, infer_lat = run("ModelInfer", "infer1", 1, 1)
            live_rate, _ = run("ServerLive", "live", 4, 16)
            infer_rate, _ = run("ModelInfer", "infer1", 4, 16)
            big4_rate, _ = run("ModelInfer", "infer1024", 4, 1)
            big64_rate, _ = run("ModelInfer", "infer1024", 4, 16)
        finally:
            daemon.stop()

    rows = []  # (case, ModelInfer, baseline, ratio, goal)
    p50 = statistics.median
    mean = statistics.fmean
    rows.append(("h2load 1 in flight, p50 latency us", p50(infer_lat), p50(live_lat),
                 p50(infer_lat) / p50(live_lat), "<= 1.10"))
    rows.append(("h2load 1 in flight, mean latency us", mean(infer_lat), mean(live_lat),
                 mean(infer_lat) / mean(live_lat), "<= 1.10"))
    rows.append(("h2load 64 in flight (4 conn x 16), req/s", infer_rate, live_rate,
                 infer_rate / live_rate, ">= 0.90"))

    in_process = None
    if not args.no_server_bench and os.access(bench, os.X_OK):
        with tempfile.TemporaryDirectory(prefix="h2load_bench.") as tmp:
            results = server_bench(bench, 0.2 if args.short else 2, tmp)
        infer = find(results, "BM_UnarySingleSampleLatency")
        live = find(results, "BM_ServerLiveLatency")
        rows.append(("server_bench 1 in flight, p50 latency us", infer["p50_us"], live["p50_us"],
                     infer["p50_us"] / live["p50_us"], "<= 1.10"))
        rows.append(("server_bench 1 in flight, mean latency us", infer["real_time"] * 1e-3,
                     live["real_time"] * 1e-3, infer["real_time"] / live["real_time"], "<= 1.10"))
        t64 = find(results, "BM_UnaryThroughput/1/64")["inferences/s"]
        l64 = find(results, "BM_ServerLiveThroughput/64")["requests/s"]
        rows.append(("server_bench 64 in flight (1 channel), req/s", t64, l64, t64 / l64, ">= 0.90"))
        in_process = find(results, "BM_InProcessSchedulerThroughput/1024/4")["inferences/s"]
        for threads in (16, 64):
            blocking = find(results, "BM_ConcurrentSingleSample/real_time/threads:%d" % threads)
            rows.append(("server_bench %d blocking threads vs async 64, req/s" % threads,
                         blocking["requests/s"], t64, blocking["requests/s"] / t64, ">= 0.80"))
    if in_process:
        rows.append(("h2load 1024-sample x 4 in flight vs in-process batcher, inf/s",
                     big4_rate * 1024, in_process, big4_rate * 1024 / in_process, ">= 0.85"))
        rows.append(("h2load 1024-sample x 64 in flight vs in-process batcher, inf/s",
                     big64_rate * 1024, in_process, big64_rate * 1024 / in_process, ">= 0.85"))
    else:
        rows.append(("h2load 1024-sample x 4 in flight, inf/s", big4_rate * 1024, float("nan"),
                     float("nan"), "(no server_bench)"))

    print("load average before the run: %.2f %.2f %.2f (%d CPUs)%s" %
          (load + (os.cpu_count(), " [short mode]" if args.short else "")))
    print("| case | measured | baseline | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for case, value, base, ratio, goal in rows:
        met = ""
        if goal.startswith("<="):
            met = "yes" if ratio <= float(goal[3:]) else "no"
        elif goal.startswith(">="):
            met = "yes" if ratio >= float(goal[3:]) else "no"
        print("| %s | %.1f | %.1f | %.2f | %s | %s |" % (case, value, base, ratio, goal, met))
    return 0


if __name__ == "__main__":
    sys.exit(main())
