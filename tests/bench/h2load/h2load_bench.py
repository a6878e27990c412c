#!/usr/bin/env python3
"""The request-path ratios of issue 15, measured in one run on this machine.

Starts fpgaasd (emulated device, deploy/models/muon_pt) on free ports and drives it with nghttp2's
h2load, an independent HTTP/2 load generator: every request is a raw HTTP/2 POST whose body is one
prebuilt gRPC-framed message (grpc_body), with the headers `content-type: application/grpc` and
`te: trailers`, i.e. a gRPC unary call. ModelInfer is compared with ServerLive (an empty RPC, gRPC's
own floor on the same server and connection setup). Then server_bench (the project's own client,
generated stubs, in-process server) gives the same latency ratio, the in-process batcher's rate and
the blocking-vs-async client rates.

    tests/bench/h2load/h2load_bench.py [--build-dir build] [--short] [--seconds 2] [--repeat 5]
    tests/bench/h2load/h2load_bench.py --instructions 3000

--instructions N runs fpgaasd under valgrind's callgrind instead and counts the instructions the
server executes per request over N requests of each case (instrumented only while h2load sends
them): a measure that does not move with the machine's load, for comparing changes on a busy
machine; the kept callgrind files (--keep-callgrind DIR) say where they go (callgrind_annotate
--inclusive=yes).

On a shared, loaded machine single runs swing by 2x; so every case is measured --repeat times,
ModelInfer and its baseline back to back (alternating which goes first), and the table gives the
medians of the values and of the per-pair ratios. server_bench runs its repetitions randomly
interleaved and reports medians.

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

    def __init__(self, fpgaasd, root, extra_flags, wrapper=()):
        self.proc = subprocess.Popen(
            list(wrapper) + [fpgaasd, "--grpc-address=127.0.0.1", "--grpc-port=0", "--http-port=-1",
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


def cpu_seconds(pid):
    """User + system CPU time the process used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def h2load(address, pid, method, body, clients, streams, seconds, warmup, log_dir):
    """Rate (requests/s over the measured period), per-request latencies (us) and the server's CPU
    time per request (us; over warm-up and measurement, assuming the same rate in both) of one
    run. CPU time per request hardly depends on how loaded the machine is; wall time does."""
    log = os.path.join(log_dir, "%s-%d-%d.log" % (method, clients, streams))
    cmd = ["h2load", "-c", str(clients), "-m", str(streams), "-t", "1",
           "-D", "%dms" % (seconds * 1000), "--warm-up-time", "%dms" % (warmup * 1000), "--log-file", log,
           "-d", body] + HEADERS + [address + SERVICE + method]
    cpu_before = cpu_seconds(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + warmup + 60).stdout
    cpu = cpu_seconds(pid) - cpu_before
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
    requests = float(rate.group(1)) * (seconds + warmup)
    return float(rate.group(1)), latencies, cpu * 1e6 / requests


def instructions_per_request(fpgaasd, root, extra_flags, method, body, requests, clients, streams,
                             tmp, keep_dir):
    """Instructions fpgaasd executes per request (callgrind, all threads, only while h2load sends
    `requests` requests after a warm-up)."""
    out = os.path.join(tmp, "callgrind.out")
    daemon = Daemon(fpgaasd, root, extra_flags,
                    wrapper=["valgrind", "--tool=callgrind", "--instr-atstart=no",
                             "--callgrind-out-file=" + out])
    send = lambda n: subprocess.run(
        ["h2load", "-c", str(clients), "-m", str(streams), "-t", "1", "-n", str(n), "-d", body]
        + HEADERS + [daemon.address + SERVICE + method],
        capture_output=True, text=True, timeout=900).stdout
    control = lambda switch: subprocess.run(
        ["callgrind_control", "-i", switch, str(daemon.proc.pid)], capture_output=True, check=True)
    try:
        send(200)  # connections, lazy initialisation, first batches
        control("on")
        sent = send(requests)
        control("off")
    finally:
        daemon.stop()
    if not re.search(r"\b%d succeeded" % requests, sent):
        fail("h2load %s under callgrind: unexpected output\n%s" % (method, sent))
    total = 0
    for name in os.listdir(tmp):
        if name.startswith("callgrind.out"):
            path = os.path.join(tmp, name)
            with open(path) as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("totals:"))
            if keep_dir:
                shutil.copy(path, os.path.join(keep_dir, "%s-%d-%d.%s" % (method, clients, streams,
                                                                          name)))
            os.unlink(path)
    return total / requests


def instructions_table(fpgaasd, root, args, bodies, tmp):
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("h2load_bench: valgrind not installed; skipped")
        return 77
    if args.keep_callgrind:
        os.makedirs(args.keep_callgrind, exist_ok=True)
    count = lambda method, body, c, m: instructions_per_request(
        fpgaasd, root, args.fpgaasd_flag, method, bodies[body], args.instructions, c, m, tmp,
        args.keep_callgrind)
    print("instructions fpgaasd executes per request (callgrind, %d requests per case)"
          % args.instructions)
    print("| case | ModelInfer | ServerLive | ratio |")
    print("|---|---|---|---|")
    for case, c, m in (("1 in flight", 1, 1), ("64 in flight (4 conn x 16)", 4, 16)):
        infer, live = count("ModelInfer", "infer1", c, m), count("ServerLive", "live", c, m)
        print("| %s, 1 sample | %.0f | %.0f | %.2f |" % (case, infer, live, infer / live))
    big = count("ModelInfer", "infer1024", 4, 1)
    print("| 1024-sample requests, 4 in flight | %.0f (%.0f per sample) | | |" % (big, big / 1024))
    return 0


def server_bench(binary, seconds, repeat, tmp):
    pattern = ("BM_(UnarySingleSampleLatency|ServerLiveLatency|UnaryThroughput|"
               "ServerLiveThroughput|ConcurrentSingleSample|ConcurrentServerLive|"
               "InProcessSchedulerThroughput)")
    report = os.path.join(tmp, "server_bench.json")
    out = subprocess.run([binary, "--benchmark_filter=" + pattern,
                          "--benchmark_min_time=%g" % seconds, "--benchmark_out=" + report,
                          "--benchmark_repetitions=%d" % repeat,
                          "--benchmark_enable_random_interleaving=true",
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
        if repeat > 1 and b.get("aggregate_name") != "median":
            continue
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
    parser.add_argument("--seconds", type=float, default=2, help="per h2load run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (medians)")
    parser.add_argument("--no-server-bench", action="store_true")
    parser.add_argument("--instructions", type=int, default=0, metavar="N",
                        help="count instructions per request under callgrind (N requests per case)")
    parser.add_argument("--keep-callgrind", metavar="DIR", help="with --instructions: keep the files")
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
    warmup = 0.3 if args.short else 0.5
    repeat = 1 if args.short else args.repeat

    with tempfile.TemporaryDirectory(prefix="h2load_bench.") as tmp:
        bodies = {}
        for name, argv in (("live", ["live"]), ("infer1", ["infer", MODEL, INPUT, str(VALUES), "1"]),
                           ("infer1024", ["infer", MODEL, INPUT, str(VALUES), "1024"])):
            bodies[name] = os.path.join(tmp, name + ".bin")
            with open(bodies[name], "wb") as f:
                subprocess.run([grpc_body] + argv, stdout=f, check=True)

        if args.instructions:
            return instructions_table(fpgaasd, root, args, bodies, tmp)
        load = os.getloadavg()
        daemon = Daemon(fpgaasd, root, args.fpgaasd_flag)
        try:
            check_grpc_ok(daemon.address, "ServerLive", bodies["live"])
            check_grpc_ok(daemon.address, "ModelInfer", bodies["infer1"])
            check_grpc_ok(daemon.address, "ModelInfer", bodies["infer1024"])
            run = lambda method, body, c, m: h2load(daemon.address, daemon.proc.pid, method,
                                                    bodies[body], c, m, seconds, warmup, tmp)
            # (ModelInfer, ServerLive) per repetition
            pairs = {"p50": [], "mean": [], "rate": [], "cpu1": [], "cpu64": []}
            big4, big64 = [], []
            for i in range(repeat):
                order = [("infer", "ModelInfer", "infer1"), ("live", "ServerLive", "live")]
                if i % 2:
                    order.reverse()
                lat, rate, cpu1, cpu64 = {}, {}, {}, {}
                for key, method, body in order:
                    _, lat[key], cpu1[key] = run(method, body, 1, 1)
                for key, method, body in order:
                    rate[key], _, cpu64[key] = run(method, body, 4, 16)
                pairs["cpu1"].append((cpu1["infer"], cpu1["live"]))
                pairs["cpu64"].append((cpu64["infer"], cpu64["live"]))
                pairs["p50"].append((statistics.median(lat["infer"]), statistics.median(lat["live"])))
                pairs["mean"].append((statistics.fmean(lat["infer"]), statistics.fmean(lat["live"])))
                pairs["rate"].append((rate["infer"], rate["live"]))
                big4.append(run("ModelInfer", "infer1024", 4, 1)[0] * 1024)
                big64.append(run("ModelInfer", "infer1024", 4, 16)[0] * 1024)
        finally:
            daemon.stop()

    rows = []  # (case, ModelInfer, baseline, ratio, goal)
    med = statistics.median

    def pair_row(case, key, goal):
        values = pairs[key]
        rows.append((case, med(v for v, _ in values), med(b for _, b in values),
                     med(v / b for v, b in values), goal))

    pair_row("h2load 1 in flight, p50 latency us", "p50", "<= 1.10")
    pair_row("h2load 1 in flight, mean latency us", "mean", "<= 1.10")
    pair_row("h2load 64 in flight (4 conn x 16), req/s", "rate", ">= 0.90")
    pair_row("h2load 1 in flight, server CPU us per request", "cpu1", "(info)")
    pair_row("h2load 64 in flight, server CPU us per request", "cpu64", "(info)")
    big4_rate, big64_rate = med(big4) / 1024, med(big64) / 1024

    in_process = None
    if not args.no_server_bench and os.access(bench, os.X_OK):
        with tempfile.TemporaryDirectory(prefix="h2load_bench.") as tmp:
            results = server_bench(bench, 0.2 if args.short else 1, repeat, tmp)
        infer = find(results, "BM_UnarySingleSampleLatency")
        live = find(results, "BM_ServerLiveLatency")
        rows.append(("server_bench 1 in flight, p50 latency us", infer["p50_us"], live["p50_us"],
                     infer["p50_us"] / live["p50_us"], "<= 1.10"))
        rows.append(("server_bench 1 in flight, mean latency us", infer["real_time"] * 1e-3,
                     live["real_time"] * 1e-3, infer["real_time"] / live["real_time"], "<= 1.10"))
        t64 = find(results, "BM_UnaryThroughput/1/64")["inferences/s"]
        l64 = find(results, "BM_ServerLiveThroughput/64")["requests/s"]
        rows.append(("server_bench 64 in flight (1 channel), req/s", t64, l64, t64 / l64, ">= 0.90"))
        prefix = "BM_InProcessSchedulerThroughput/1024/4/real_time/threads:"
        in_process = find(results, prefix + "1")["inferences/s"]
        in_process_2 = find(results, prefix + "2")["inferences/s"]
        for threads in (16, 64):
            blocking = find(results, "BM_ConcurrentSingleSample/real_time/threads:%d" % threads)
            rows.append(("server_bench %d blocking threads vs async 64, req/s" % threads,
                         blocking["requests/s"], t64, blocking["requests/s"] / t64, ">= 0.80"))
            # gRPC's own cost of blocking threads: the same clients sending empty RPCs.
            live_blocking = find(results, "BM_ConcurrentServerLive/real_time/threads:%d" % threads)
            rows.append(("  floor: ServerLive, %d blocking threads vs async 64, req/s" % threads,
                         live_blocking["requests/s"], l64, live_blocking["requests/s"] / l64,
                         "(info)"))
    if in_process:
        rows.append(("h2load 1024-sample x 4 in flight vs in-process batcher, inf/s",
                     big4_rate * 1024, in_process, big4_rate * 1024 / in_process, ">= 0.85"))
        rows.append(("h2load 1024-sample x 64 in flight vs in-process batcher, inf/s",
                     big64_rate * 1024, in_process, big64_rate * 1024 / in_process, ">= 0.85"))
        # One enqueuing thread runs full batches one at a time on itself; two keep both slots busy.
        rows.append(("  4 in flight vs in-process batcher fed by 2 threads, inf/s",
                     big4_rate * 1024, in_process_2, big4_rate * 1024 / in_process_2, "(info)"))
        rows.append(("  64 in flight vs in-process batcher fed by 2 threads, inf/s",
                     big64_rate * 1024, in_process_2, big64_rate * 1024 / in_process_2, "(info)"))
    else:
        rows.append(("h2load 1024-sample x 4 in flight, inf/s", big4_rate * 1024, float("nan"),
                     float("nan"), "(no server_bench)"))

    print("load average before the run: %.2f %.2f %.2f, after: %.2f %.2f %.2f (%d CPUs); "
          "medians of %d runs%s" % (load + os.getloadavg() + (os.cpu_count(), repeat,
                                     " [short mode]" if args.short else "")))
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
