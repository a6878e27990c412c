#!/usr/bin/env python3
"""deploy/supersonic/values-fpgaasd.yaml checked without the chart or a cluster: the inference-server
block has what SuperSONIC's deployment template reads (command, args, ports, probes with exactly one
handler each, FPGA resources), and the container's command line, run here with this build's fpgaasd
on free ports and the example models, serves the startup probe's HTTP path and passes the readiness
command. Exit 77 (skip) without python3-yaml."""
import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import yaml
except ImportError:
    print("python3-yaml missing: skipped")
    sys.exit(77)

PORTS = {"http": 8000, "grpc": 8001, "metrics": 8002}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return None, ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--fpgaasd", required=True)
    parser.add_argument("--cli", required=True)
    args = parser.parse_args()
    values_path = os.path.join(args.source_root, "deploy/supersonic/values-fpgaasd.yaml")
    with open(values_path) as f:
        values = yaml.safe_load(f)
    server = values.get("triton") or values.get("inferenceServer")
    if not isinstance(server, dict):
        fail("no triton: (or inferenceServer:) block")

    # What the chart's deployment template reads.
    for key in ("image", "command", "args", "resources", "service", "readinessProbe", "startupProbe"):
        if key not in server:
            fail(f"triton.{key} missing")
    ports = {p["name"]: p for p in server["service"]["ports"]}
    for name, number in PORTS.items():
        if name not in ports or ports[name]["port"] != number or ports[name]["protocol"] != "TCP":
            fail(f"service port {name} must be {number}/TCP: {ports.get(name)}")
    for probe_name in ("readinessProbe", "startupProbe"):
        probe = server[probe_name]
        handlers = [h for h in ("command", "exec", "httpGet", "tcpSocket") if probe.get(h)]
        if len(handlers) != 1:
            fail(f"{probe_name} must set exactly one handler, sets {handlers}")
    startup = server["startupProbe"]["httpGet"]
    if startup != {"path": "/v2/health/ready", "port": "http"}:
        fail(f"startupProbe must GET /v2/health/ready on the http port: {startup}")
    limits = server["resources"]["limits"]
    if not any(k.startswith("xilinx.com/fpga-") for k in limits):
        fail("resources.limits request no FPGA (xilinx.com/fpga-<shell>)")
    if server["command"] != ["/bin/sh", "-c"] or len(server["args"]) != 1:
        fail("command must be /bin/sh -c with one script argument")

    # The container's command line, as the shell would split it.
    words = shlex.split(server["args"][0].replace("\\\n", " "))
    if words[:1] == ["exec"]:
        words = words[1:]
    if not words or os.path.basename(words[0]) != "fpgaasd":
        fail(f"the script does not run fpgaasd: {words[:2]}")
    flags = dict(re.match(r"--([\w-]+)=?(.*)", w).groups() for w in words[1:])
    for name, number in PORTS.items():
        if flags.get(f"{name}-port") != str(number):
            fail(f"--{name}-port must be {number} (the service port), is {flags.get(name + '-port')}")
    if flags.get("model-repository") != server["modelRepository"]["mountPath"]:
        fail("--model-repository is not the model repository's mountPath")

    # Run it: free ports, this checkout's example models, the emulator.
    local = {"http": free_port(), "grpc": free_port(), "metrics": free_port()}
    replace = {"model-repository": os.path.join(args.source_root, "deploy/models"),
               "device": "emu", **{f"{n}-port": str(p) for n, p in local.items()}}
    command = [args.fpgaasd] + [
        f"--{name}={replace.get(name, value)}" for name, value in flags.items()]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60  # startup wait, not a speed assertion
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            status, _ = get(f"http://127.0.0.1:{local['http']}/v2/health/ready")
            if status == 200:
                break
            time.sleep(0.2)
        log.seek(0)
        text = log.read().decode(errors="replace")
        if status != 200:
            fail(f"the startup probe's GET /v2/health/ready never answered 200 ({status}):\n{text}")
        if "Unknown command line flag" in text:
            fail("fpgaasd refused a flag of the values file:\n" + text)
        _, metrics = get(f"http://127.0.0.1:{local['metrics']}/metrics")
        for name in ("fpgaas_server_info", "nv_inference_count", "nv_inference_queue_duration_us"):
            if name not in metrics:
                fail(f"/metrics lacks {name} (SuperSONIC's dashboard and load metric read it)")
        readiness = server["readinessProbe"]["command"]
        script = readiness[-1].replace("/opt/fpgaas/bin/fpgaas", args.cli).replace(
            "127.0.0.1:8001", f"127.0.0.1:{local['grpc']}").replace("/tmp/shutdown",
                                                                   os.path.join(tempfile.gettempdir(), f"no-such-marker-{os.getpid()}"))
        probe = subprocess.run(readiness[:-1] + [script], capture_output=True, timeout=30)
        if probe.returncode != 0:
            fail(f"the readiness command failed ({probe.returncode}): {probe.stdout} {probe.stderr}")
        process.send_signal(signal.SIGTERM)
        if process.wait(timeout=90) != 0:
            fail("fpgaasd did not exit 0 on SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print("supersonic values: OK (chart keys, ports, probes, FPGA resources; fpgaasd ran its "
          "command line and passed both probes)")


if __name__ == "__main__":
    main()
