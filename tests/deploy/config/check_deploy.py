#!/usr/bin/python3
"""Checks fpgaas's deployment artefacts (docker/, deploy/) without a cluster or a Docker engine.

Each subcommand is one ctest test (tests/deploy/config/CMakeLists.txt). Exit codes: 0 pass,
1 fail (every problem is printed), 77 skip (a tool or input the check needs is missing).

The metric names a manifest or dashboard may use are taken from server/metrics/metrics.cc (the
one place that registers families), cross-checked against the contract comment in metrics.h, and,
in `live`, against the /metrics page of a running fpgaasd.
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
OVERLAYS = ("emulator", "alveo", "aws-f1")
GRPC_PORT = 8001
METRICS_PORT = 8002
# Labels a PromQL grouping may name: the server's own, Prometheus' target labels, `le` of
# histograms, and what kube-prometheus/KEDA add.
ALLOWED_GROUP_LABELS = {"model", "version", "outcome", "reason", "le", "job", "instance",
                        "namespace", "pod", "service"}
PROMQL_FUNCTIONS = {
    "abs", "avg", "avg_over_time", "ceil", "clamp", "clamp_max", "clamp_min", "count",
    "count_over_time", "delta", "deriv", "exp", "floor", "histogram_quantile", "idelta",
    "increase", "irate", "label_replace", "label_values", "ln", "max", "max_over_time", "min",
    "min_over_time", "quantile", "quantile_over_time", "rate", "round", "scalar", "sort",
    "sort_desc", "sqrt", "stddev", "sum", "sum_over_time", "time", "topk", "bottomk", "vector",
}
PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                   "group_left", "group_right", "inf", "nan"}


class Checker:
    """Collects problems; a check fails if any was recorded."""

    def __init__(self):
        self.problems = []

    def expect(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition

    def finish(self, what):
        if self.problems:
            print(f"FAIL {what}:")
            for p in self.problems:
                print(f"  - {p}")
            return 1
        print(f"OK {what}")
        return 0


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def need_tool(name):
    path = shutil.which(name)
    if not path:
        skip(f"`{name}` not installed (scripts/install-deps.sh installs it)")
    return path


def load_yaml_module():
    try:
        import yaml  # python3-yaml
        return yaml
    except ImportError:
        skip("python3-yaml not installed (scripts/install-deps.sh installs it)")


# ---------------------------------------------------------------------------------------------
# Metric names the server exports.

def exported_families(root):
    """{family: type} from the prometheus::Build<Type>().Name("...") calls in metrics.cc."""
    source = open(os.path.join(root, "server/metrics/metrics.cc")).read()
    families = {}
    for kind, name in re.findall(r'prometheus::Build(Counter|Gauge|Histogram|Summary)\(\)\s*'
                                 r'\.Name\("([^"]+)"\)', source):
        families[name] = kind.lower()
    return families


def sample_names(families):
    """Series names as they appear in the exposition (histograms as _bucket/_sum/_count)."""
    names = set()
    for name, kind in families.items():
        if kind == "histogram":
            names.update({name + "_bucket", name + "_sum", name + "_count"})
        elif kind == "summary":
            names.update({name, name + "_sum", name + "_count"})
        else:
            names.add(name)
    return names


def contract_names(root):
    """Family names listed in metrics.h's contract comment."""
    header = open(os.path.join(root, "server/metrics/metrics.h")).read()
    comment = "\n".join(line for line in header.splitlines() if line.startswith("//"))
    return set(re.findall(r"\b((?:fpgaas|nv)_[a-z0-9_]+)", comment))


# ---------------------------------------------------------------------------------------------
# PromQL: the metric names and grouping labels an expression uses.

def promql_references(expr):
    """Returns (metric names, functions, grouping labels, unknown identifiers) of `expr`."""
    text = re.sub(r"<<[^>]*>>", "", expr)                    # prometheus-adapter templates
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', text)  # string literals
    text = re.sub(r"\$\{?\w+\}?", "", text)                  # Grafana variables
    labels = set()
    for clause in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)",
                             text):
        labels.update(l.strip() for l in clause.split(",") if l.strip())
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\{[^}]*\}", " ", text)                   # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                  # range selectors
    text = re.sub(r"(?<![\w:])\d+(\.\d+)?([eE][+-]?\d+)?", " ", text)  # numbers
    metrics, functions, unknown = set(), set(), set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = match.group(0)
        following = text[match.end():].lstrip()
        if following.startswith("("):
            (functions if word in PROMQL_FUNCTIONS else unknown).add(word)
        elif word.lower() in PROMQL_KEYWORDS:
            continue
        else:
            metrics.add(word)
    return metrics, functions, labels, unknown


def check_promql(checker, where, expr, exported, recorded=()):
    metrics, _, labels, unknown = promql_references(expr)
    checker.expect(not unknown, f"{where}: unknown PromQL functions {sorted(unknown)} in {expr!r}")
    checker.expect(metrics, f"{where}: no metric in {expr!r}")
    for m in sorted(metrics):
        checker.expect(m in exported or m in recorded,
                       f"{where}: metric {m!r} is not exported by fpgaasd (expression {expr!r})")
    bad_labels = labels - ALLOWED_GROUP_LABELS
    checker.expect(not bad_labels, f"{where}: grouping by unknown labels {sorted(bad_labels)}")
    return metrics


# ---------------------------------------------------------------------------------------------
# Kubernetes manifests.

def render(kubectl, yaml, path):
    result = subprocess.run([kubectl, "kustomize", path], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {path} failed: {result.stderr.strip()}")
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def by_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def flag_value(args, name):
    for a in args:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def drain_budget_seconds(root, args=()):
    """Longest SIGTERM-to-exit of fpgaasd, seconds: the gRPC server's drain grace
    (--drain-grace-seconds, default from server/main.cc) then the repository's queue drain
    (ModelRepositoryOptions::drain_timeout)."""
    grace = flag_value(args, "drain-grace-seconds")
    if grace is None:
        main_cc = os.path.join(root, "server/main.cc")
        m = re.search(r"ABSL_FLAG\(int,\s*drain_grace_seconds,\s*(\d+)",
                      open(main_cc).read() if os.path.exists(main_cc) else "")
        if not m:
            raise RuntimeError("server/main.cc: no `ABSL_FLAG(int, drain_grace_seconds, N` "
                               "(the drain every grace period here is sized for)")
        grace = m.group(1)
    header = os.path.join(root, "server/repository/repository.h")
    m = re.search(r"drain_timeout\s*=\s*absl::Seconds\((\d+)\)",
                  open(header).read() if os.path.exists(header) else "")
    if not m:
        raise RuntimeError("server/repository/repository.h: no `drain_timeout = "
                           "absl::Seconds(N)` (the queue drain every grace period is sized for)")
    return int(grace) + int(m.group(1))


def check_deployment(c, overlay, objects, root):
    deployments = by_kind(objects, "Deployment")
    if not c.expect(len(deployments) == 1, f"{overlay}: expected one Deployment"):
        return None
    d = deployments[0]
    spec = d["spec"]["template"]["spec"]
    pod_labels = d["spec"]["template"]["metadata"].get("labels", {})
    c.expect(d["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(),
             f"{overlay}: Deployment selector does not match the pod labels")
    containers = {x["name"]: x for x in spec["containers"]}
    if not c.expect("fpgaasd" in containers, f"{overlay}: no container named fpgaasd"):
        return None
    ctr = containers["fpgaasd"]
    args = ctr.get("args", [])
    ports = {p["name"]: p["containerPort"] for p in ctr.get("ports", [])}
    c.expect(ports.get("grpc") == GRPC_PORT, f"{overlay}: container port grpc != {GRPC_PORT}")
    c.expect(ports.get("metrics") == METRICS_PORT,
             f"{overlay}: container port metrics != {METRICS_PORT}")
    c.expect(flag_value(args, "grpc-port") == str(GRPC_PORT),
             f"{overlay}: --grpc-port does not match the grpc container port")
    c.expect(flag_value(args, "metrics-port") == str(METRICS_PORT),
             f"{overlay}: --metrics-port does not match the metrics container port")
    device = flag_value(args, "device")
    expected_device = "emu" if overlay == "emulator" else "xrt"
    c.expect(device == expected_device, f"{overlay}: --device={device}, expected {expected_device}")
    repo = flag_value(args, "model-repository")
    c.expect(repo is not None, f"{overlay}: no --model-repository")
    c.expect(flag_value(args, "model-control-mode") in ("none", "explicit"),
             f"{overlay}: --model-control-mode must be none or explicit")

    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        p = ctr.get(probe)
        if c.expect(p is not None, f"{overlay}: no {probe}"):
            port = p.get("grpc", {}).get("port")
            c.expect(port == GRPC_PORT or port == "grpc",
                     f"{overlay}: {probe} is not a grpc probe on {GRPC_PORT} (grpc.health.v1)")

    # Security: non-root, read-only root, no privilege escalation, no capabilities. On AWS F1
    # loading an AFI needs a privileged root container (AWS's requirement); the overlay says so.
    pod_sc = spec.get("securityContext", {})
    ctr_sc = ctr.get("securityContext", {})
    c.expect(ctr_sc.get("readOnlyRootFilesystem") is True,
             f"{overlay}: readOnlyRootFilesystem is not true")
    if overlay == "aws-f1":
        c.expect(ctr_sc.get("privileged") is True,
                 f"{overlay}: expected the documented privileged exception")
    else:
        c.expect(pod_sc.get("runAsNonRoot") is True, f"{overlay}: runAsNonRoot is not true")
        c.expect(isinstance(pod_sc.get("runAsUser"), int) and pod_sc["runAsUser"] > 0,
                 f"{overlay}: runAsUser must be a non-zero uid")
        c.expect(ctr_sc.get("allowPrivilegeEscalation") is False,
                 f"{overlay}: allowPrivilegeEscalation is not false")
        c.expect(not ctr_sc.get("privileged", False), f"{overlay}: container is privileged")
        c.expect("ALL" in ctr_sc.get("capabilities", {}).get("drop", []),
                 f"{overlay}: capabilities.drop does not contain ALL")

    # Termination: preStop sleep + the server's drain must fit in the grace period.
    grace = spec.get("terminationGracePeriodSeconds", 30)
    pre_stop = ctr.get("lifecycle", {}).get("preStop", {})
    sleep = 0
    command = pre_stop.get("exec", {}).get("command", [])
    if command[:1] == ["sleep"] and len(command) == 2:
        sleep = int(command[1])
    budget = drain_budget_seconds(root, args)
    c.expect(grace > sleep + budget,
             f"{overlay}: terminationGracePeriodSeconds {grace} <= preStop {sleep} s + drain "
             f"{budget} s")

    resources = ctr.get("resources", {})
    c.expect({"cpu", "memory"} <= set(resources.get("requests", {})),
             f"{overlay}: resources.requests needs cpu and memory")
    c.expect("memory" in resources.get("limits", {}), f"{overlay}: no memory limit")

    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for m in ctr.get("volumeMounts", []):
        c.expect(m["name"] in volumes, f"{overlay}: volumeMount {m['name']} has no volume")
    claims = {o["metadata"]["name"] for o in by_kind(objects, "PersistentVolumeClaim")}
    for v in volumes.values():
        if "persistentVolumeClaim" in v:
            c.expect(v["persistentVolumeClaim"]["claimName"] in claims,
                     f"{overlay}: volume {v['name']} claims a PVC the overlay does not define")
        if "configMap" in v:
            maps = {o["metadata"]["name"] for o in by_kind(objects, "ConfigMap")}
            c.expect(v["configMap"]["name"] in maps, f"{overlay}: volume {v['name']} ConfigMap missing")

    fpga_requests = {k: v for k, v in resources.get("requests", {}).items()
                     if k.startswith("xilinx.com/fpga")}
    fpga_limits = {k: v for k, v in resources.get("limits", {}).items()
                   if k.startswith("xilinx.com/fpga")}
    if overlay == "emulator":
        c.expect(not fpga_limits, f"{overlay}: the emulator must not request an FPGA")
    else:
        c.expect(len(fpga_limits) == 1 and all(re.fullmatch(r"xilinx\.com/fpga-[\w.-]+", k)
                                               for k in fpga_limits),
                 f"{overlay}: needs one Xilinx device plugin resource xilinx.com/fpga-<shell>")
        c.expect(fpga_requests == fpga_limits,
                 f"{overlay}: extended resource requests must equal limits")
        if overlay == "aws-f1":
            c.expect(any("aws-vu9p-f1" in k for k in fpga_limits),
                     f"{overlay}: the resource should name the AWS F1 shell")
        c.expect(spec.get("nodeSelector") or spec.get("affinity", {}).get("nodeAffinity"),
                 f"{overlay}: no nodeSelector/nodeAffinity for FPGA nodes")
        c.expect(any(t.get("key", "").startswith("xilinx.com/fpga")
                     for t in spec.get("tolerations", [])),
                 f"{overlay}: no toleration for the FPGA node taint")
        # Real bitstreams do not fit in the image: the repository comes from a claim.
        mounts = {m["mountPath"]: m["name"] for m in ctr.get("volumeMounts", [])}
        repo_volume = volumes.get(mounts.get(repo), {})
        c.expect("persistentVolumeClaim" in repo_volume,
                 f"{overlay}: the model repository {repo} is not a mounted PVC")
    return d


def model_repository_source(objects):
    """(kind, name) of what the Deployment mounts at its --model-repository: ("pvc", claim),
    ("configMap", name), ("other", volume) or ("image", None) when nothing is mounted there (the
    image's baked-in repository); None without a Deployment or flag."""
    deployments = by_kind(objects, "Deployment")
    if len(deployments) != 1:
        return None
    spec = deployments[0]["spec"]["template"]["spec"]
    ctr = next((x for x in spec["containers"] if x["name"] == "fpgaasd"), None)
    repo = flag_value(ctr.get("args", []), "model-repository") if ctr else None
    if repo is None:
        return None
    mounts = {m["mountPath"].rstrip("/"): m for m in ctr.get("volumeMounts", [])}
    mount = mounts.get(repo.rstrip("/"))
    if mount is None:
        return ("image", None)
    volume = next((v for v in spec.get("volumes", []) if v["name"] == mount["name"]), {})
    if "persistentVolumeClaim" in volume:
        return ("pvc", volume["persistentVolumeClaim"]["claimName"])
    if "configMap" in volume:
        return ("configMap", volume["configMap"]["name"])
    return ("other", mount["name"])


def check_model_repository(c, where, objects, root):
    """The base serves the repository from a claim (or ConfigMap) it defines; the emulator, by
    documented choice, the image's baked-in examples; the FPGA overlays the claim."""
    source = model_repository_source(objects)
    if not c.expect(source is not None, f"{where}: no Deployment with --model-repository"):
        return
    kind, name = source
    if where == "emulator":
        image_repo = [r.split()[-1].rstrip("/") for op, r in dockerfile_stages(
            open(os.path.join(root, "docker/Dockerfile")).read())[-1][1]
            if op == "COPY" and re.match(r"deploy/models/?\s", r)]
        c.expect(kind == "image" and image_repo,
                 f"{where}: expected the image's example repository (nothing mounted at "
                 f"--model-repository), got {kind} {name}")
        c.expect(not by_kind(objects, "PersistentVolumeClaim"),
                 f"{where}: a claim nothing mounts would stay pending")
        return
    c.expect(kind in ("pvc", "configMap"),
             f"{where}: the model repository must come from a PersistentVolumeClaim or a "
             f"ConfigMap, got {kind} {name or ''}")
    defined = {o["metadata"]["name"] for o in by_kind(
        objects, "PersistentVolumeClaim" if kind == "pvc" else "ConfigMap")}
    c.expect(kind not in ("pvc", "configMap") or name in defined,
             f"{where}: the model repository's {kind} {name} is not defined")


def check_service(c, overlay, objects, deployment):
    services = {s["metadata"]["name"]: s for s in by_kind(objects, "Service")}
    svc = services.get("fpgaasd")
    if not c.expect(svc is not None, f"{overlay}: no Service fpgaasd"):
        return None
    ports = {p["name"]: p for p in svc["spec"]["ports"]}
    c.expect(ports.get("grpc", {}).get("port") == GRPC_PORT, f"{overlay}: Service grpc port")
    c.expect(ports.get("metrics", {}).get("port") == METRICS_PORT,
             f"{overlay}: Service metrics port")
    if deployment:
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        ctr_ports = {p["name"] for c_ in deployment["spec"]["template"]["spec"]["containers"]
                     for p in c_.get("ports", [])}
        for s in services.values():
            c.expect(s["spec"]["selector"].items() <= pod_labels.items(),
                     f"{overlay}: Service {s['metadata']['name']} selects no fpgaasd pod")
            for p in s["spec"]["ports"]:
                target = p.get("targetPort", p["port"])
                c.expect(target in ctr_ports or target in (GRPC_PORT, METRICS_PORT),
                         f"{overlay}: Service port {p['name']} targets unknown port {target}")
    return svc


def check_service_monitor(c, where, objects, service):
    for sm in by_kind(objects, "ServiceMonitor"):
        if service:
            c.expect(sm["spec"]["selector"]["matchLabels"].items()
                     <= service["metadata"]["labels"].items(),
                     f"{where}: ServiceMonitor does not select Service fpgaasd")
            names = {p["name"] for p in service["spec"]["ports"]}
            for e in sm["spec"]["endpoints"]:
                c.expect(e.get("port") in names, f"{where}: ServiceMonitor port {e.get('port')}")
                c.expect(e.get("path", "/metrics") == "/metrics", f"{where}: metrics path")


def check_scaled_object(c, where, objects, exported):
    for so in by_kind(objects, "ScaledObject"):
        c.expect(so["spec"]["scaleTargetRef"]["name"] == "fpgaasd",
                 f"{where}: ScaledObject does not target Deployment fpgaasd")
        c.expect(so["spec"].get("minReplicaCount", 0) >= 1,
                 f"{where}: minReplicaCount must be >= 1 (a model must stay loaded)")
        prom = [t for t in so["spec"]["triggers"] if t["type"] == "prometheus"]
        if c.expect(prom, f"{where}: ScaledObject has no prometheus trigger"):
            meta = prom[0]["metadata"]
            used = check_promql(c, f"{where} ScaledObject", meta["query"], exported)
            c.expect({"nv_inference_queue_duration_us", "nv_inference_exec_count"} <= used,
                     f"{where}: the trigger must use the queue-latency signal")
            # The ServiceMonitor's series carry job=<Service name>.
            for job in re.findall(r'\bjob\s*=\s*"([^"]*)"', meta["query"]):
                c.expect(job == "fpgaasd", f"{where}: query selects job={job!r}, but Prometheus "
                         "labels the ServiceMonitor's series job=\"fpgaasd\" (the Service name)")
            try:
                c.expect(float(meta["threshold"]) > 0, f"{where}: threshold must be > 0")
            except (KeyError, ValueError):
                c.expect(False, f"{where}: threshold missing or not a number")


def cmd_kustomize(args):
    yaml = load_yaml_module()
    kubectl = os.environ.get("FPGAAS_KUBECTL") or need_tool("kubectl")
    root = args.source_root
    k8s = os.path.join(root, "deploy/k8s")
    exported = sample_names(exported_families(root))
    c = Checker()
    for overlay in OVERLAYS:
        try:
            objects = render(kubectl, yaml, os.path.join(k8s, "overlays", overlay))
        except RuntimeError as e:
            c.expect(False, str(e))
            continue
        d = check_deployment(c, overlay, objects, root)
        check_model_repository(c, overlay, objects, root)
        svc = check_service(c, overlay, objects, d)
        check_service_monitor(c, overlay, objects, svc)
        check_scaled_object(c, overlay, objects, exported)
        if overlay != "emulator":
            c.expect(by_kind(objects, "ServiceMonitor") and by_kind(objects, "ScaledObject"),
                     f"{overlay}: expected the ServiceMonitor and the KEDA ScaledObject")
    # Add-ons rendered on their own.
    try:
        base = render(kubectl, yaml, os.path.join(k8s, "base"))
        check_model_repository(c, "base", base, root)
        svc = by_kind(base, "Service")
        svc = next((s for s in svc if s["metadata"]["name"] == "fpgaasd"), None)
        check_service_monitor(c, "monitoring", render(kubectl, yaml, os.path.join(k8s, "monitoring")),
                              svc)
        keda = render(kubectl, yaml, os.path.join(k8s, "autoscaling/keda"))
        c.expect(by_kind(keda, "ScaledObject"), "autoscaling/keda: no ScaledObject")
        check_scaled_object(c, "autoscaling/keda", keda, exported)
        hpa = render(kubectl, yaml, os.path.join(k8s, "autoscaling/hpa"))
        hpas = by_kind(hpa, "HorizontalPodAutoscaler")
        if c.expect(len(hpas) == 1, "autoscaling/hpa: expected one HPA"):
            values = yaml.safe_load(open(os.path.join(k8s, "autoscaling/hpa",
                                                      "prometheus-adapter-values.yaml")))
            rules = values["rules"]["external"]
            served = {r["name"]["as"] for r in rules}
            for r in rules:
                check_promql(c, "prometheus-adapter rule", r["metricsQuery"], exported)
                check_promql(c, "prometheus-adapter seriesQuery", r["seriesQuery"], exported)
            h = hpas[0]["spec"]
            c.expect(h["scaleTargetRef"]["name"] == "fpgaasd", "HPA does not target fpgaasd")
            for m in h["metrics"]:
                name = m.get(m["type"].lower(), {}).get("metric", {}).get("name")
                c.expect(name in served,
                         f"HPA metric {name!r} is not served by the prometheus-adapter rules")
    except RuntimeError as e:
        c.expect(False, str(e))
    return c.finish("kubectl kustomize: overlays " + ", ".join(OVERLAYS) +
                    ", monitoring, autoscaling/{keda,hpa}")


# ---------------------------------------------------------------------------------------------
# Compose, Prometheus, Grafana.

def dashboard_expressions(dashboard):
    """(where, expr) of every PromQL query in a Grafana dashboard, nested rows included."""
    found = []

    def panels(items):
        for p in items:
            for t in p.get("targets", []):
                if "expr" in t:
                    found.append((f"panel {p.get('title')!r} {t.get('refId')}", t["expr"]))
            panels(p.get("panels", []))

    panels(dashboard.get("panels", []))
    for v in dashboard.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") == "query" and q:
            m = re.fullmatch(r"label_values\((.*)\)", q.strip())
            found.append((f"variable {v.get('name')}",
                          m.group(1).rsplit(",", 1)[0] if m else q))
    return found


def cmd_dashboard(args):
    root = args.source_root
    c = Checker()
    families = exported_families(root)
    exported = sample_names(families)
    c.expect(families, "no metric families found in server/metrics/metrics.cc")
    missing = contract_names(root) - set(families)
    c.expect(not missing, f"metrics.h lists families metrics.cc does not register: {sorted(missing)}")
    compose = os.path.join(root, "deploy/compose")
    files = sorted(glob.glob(os.path.join(compose, "grafana/dashboards/*.json")))
    c.expect(files, "no Grafana dashboard in deploy/compose/grafana/dashboards")
    used = set()
    for path in files:
        try:
            dashboard = json.load(open(path))
        except json.JSONDecodeError as e:
            c.expect(False, f"{path}: not JSON: {e}")
            continue
        exprs = dashboard_expressions(dashboard)
        c.expect(exprs, f"{path}: no PromQL queries")
        for where, expr in exprs:
            used |= check_promql(c, f"{os.path.basename(path)} {where}", expr, exported)
        ds_uids = {t["datasource"]["uid"] for p in dashboard.get("panels", [])
                   for t in p.get("targets", []) if isinstance(t.get("datasource"), dict)}
        prov = open(os.path.join(compose, "grafana/provisioning/datasources/prometheus.yml")).read()
        for uid in ds_uids:
            c.expect(re.search(rf"uid:\s*{re.escape(uid)}\b", prov),
                     f"{path}: datasource uid {uid} is not provisioned")
    # What the dashboard must show (issue 6): throughput, p50/p99 per stage, batch size, queue
    # depth, device utilization.
    stage_histograms = {n for n, k in families.items()
                        if k == "histogram" and n.startswith("fpgaas_") and n.endswith("_duration_seconds")}
    c.expect(stage_histograms, "no per-stage duration histograms exported")
    for h in sorted(stage_histograms):
        c.expect(h + "_bucket" in used, f"dashboard shows no quantiles of {h}")
    for needed in ("fpgaas_inference_total", "fpgaas_batch_size_bucket", "fpgaas_queue_depth",
                   "fpgaas_compute_duration_seconds_sum"):
        c.expect(needed in used, f"dashboard does not use {needed}")
    # Recording rules use exported names too.
    yaml = load_yaml_module()
    rules = yaml.safe_load(open(os.path.join(compose, "rules.yml")))
    for group in rules["groups"]:
        for r in group["rules"]:
            check_promql(c, f"rules.yml {r.get('record') or r.get('alert')}", r["expr"], exported)
    return c.finish(f"dashboards {', '.join(os.path.basename(f) for f in files)}")


def cmd_compose(args):
    yaml = load_yaml_module()
    promtool = need_tool("promtool")
    root = args.source_root
    compose_dir = os.path.join(root, "deploy/compose")
    c = Checker()
    result = subprocess.run([promtool, "check", "config", os.path.join(compose_dir, "prometheus.yml")],
                            capture_output=True, text=True)
    print(result.stdout + result.stderr)
    c.expect(result.returncode == 0, "promtool check config deploy/compose/prometheus.yml failed")
    compose = yaml.safe_load(open(os.path.join(compose_dir, "docker-compose.yml")))
    services = compose.get("services", {})
    c.expect({"fpgaasd", "prometheus", "grafana"} <= set(services),
             "docker-compose.yml needs services fpgaasd, prometheus, grafana")
    f = services.get("fpgaasd", {})
    build = f.get("build", {})
    context = os.path.normpath(os.path.join(compose_dir, build.get("context", ".")))
    c.expect(os.path.isfile(os.path.join(context, build.get("dockerfile", "Dockerfile"))),
             "fpgaasd build: Dockerfile not found from the compose context")
    command = f.get("command", [])
    metrics_port = flag_value(command, "metrics-port")
    c.expect(f"{GRPC_PORT}:{GRPC_PORT}" in f.get("ports", []), "fpgaasd does not publish 8001")
    c.expect(f"{METRICS_PORT}:{METRICS_PORT}" in f.get("ports", []), "fpgaasd does not publish 8002")
    c.expect(metrics_port == str(METRICS_PORT), "fpgaasd --metrics-port is not 8002")
    for name, svc in services.items():
        for v in svc.get("volumes", []):
            src = v.split(":")[0]
            if src.startswith("."):
                c.expect(os.path.exists(os.path.join(compose_dir, src)),
                         f"{name}: volume source {src} does not exist")

    def host_path(service, container_path):
        """The compose-dir file or folder a container path of `service` is mounted from."""
        for v in services.get(service, {}).get("volumes", []):
            src, _, rest = v.partition(":")
            target = rest.split(":")[0]
            if src.startswith(".") and (container_path == target or
                                        container_path.startswith(target.rstrip("/") + "/")):
                return os.path.normpath(os.path.join(compose_dir, src,
                                                     os.path.relpath(container_path, target)))
        return None

    # What the containers read must be mounted: Prometheus' config and rule files, Grafana's
    # provisioning, the dashboards folder its provider loads and the home dashboard.
    prom_args = services.get("prometheus", {}).get("command", [])
    prom_config = next((a.split("=", 1)[1] for a in prom_args if a.startswith("--config.file=")),
                       "/etc/prometheus/prometheus.yml")
    c.expect(host_path("prometheus", prom_config) == os.path.join(compose_dir, "prometheus.yml"),
             f"prometheus: {prom_config} is not mounted from ./prometheus.yml")
    prom = yaml.safe_load(open(os.path.join(compose_dir, "prometheus.yml")))
    for rule_file in prom.get("rule_files", []):
        path = host_path("prometheus", os.path.join(os.path.dirname(prom_config), rule_file))
        c.expect(path and os.path.isfile(path), f"prometheus: rule file {rule_file} not mounted")
    grafana = services.get("grafana", {})
    provisioning = host_path("grafana", "/etc/grafana/provisioning")
    c.expect(provisioning and os.path.isdir(os.path.join(provisioning, "datasources")),
             "grafana: /etc/grafana/provisioning (datasources, dashboards) not mounted")
    for provider_file in glob.glob(os.path.join(provisioning or "-", "dashboards", "*.yml")):
        for provider in yaml.safe_load(open(provider_file)).get("providers", []):
            folder = host_path("grafana", provider["options"]["path"])
            c.expect(folder and glob.glob(os.path.join(folder, "*.json")),
                     f"grafana: dashboard provider path {provider['options']['path']} holds no "
                     "mounted dashboard")
    home = grafana.get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        c.expect(host_path("grafana", home) and os.path.isfile(host_path("grafana", home)),
                 f"grafana: home dashboard {home} is not mounted")
    targets = [t for job in prom["scrape_configs"] if job["job_name"] == "fpgaasd"
               for sc in job.get("static_configs", []) for t in sc["targets"]]
    c.expect(f"fpgaasd:{metrics_port}" in targets,
             f"prometheus.yml does not scrape the compose service at fpgaasd:{metrics_port}")
    return c.finish("compose + promtool check config")


def cmd_compose_config(args):
    """docker-compose's own schema validation (Debian's docker-compose 1.29; no engine needed)."""
    tool = shutil.which("docker-compose")
    command = [tool] if tool else None
    if not command and shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    if not command:
        skip("`docker-compose` not installed (scripts/install-deps.sh installs it)")
    compose = os.path.join(args.source_root, "deploy/compose/docker-compose.yml")
    result = subprocess.run(command + ["-f", compose, "config", "-q"], capture_output=True,
                            text=True)
    print(result.stdout + result.stderr)
    c = Checker()
    c.expect(result.returncode == 0, f"{' '.join(command)} config rejects docker-compose.yml")
    return c.finish("docker-compose config")


# ---------------------------------------------------------------------------------------------
# yamllint, systemd, Dockerfile.

def yaml_files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(".") and not d.startswith("build") and d != "node_modules"]
        found += [os.path.join(dirpath, f) for f in filenames if f.endswith((".yaml", ".yml"))]
    return sorted(found)


def cmd_yamllint(args):
    yamllint = need_tool("yamllint")
    files = yaml_files(args.source_root)
    if not files:
        skip("no YAML files")
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "yamllint.yaml")
    # Relative paths, so the config's `ignore` patterns (relative to the root) apply.
    files = [os.path.relpath(f, args.source_root) for f in files]
    result = subprocess.run([yamllint, "--strict", "-f", "parsable", "-c", config] + files,
                            capture_output=True, text=True, cwd=args.source_root)
    print(result.stdout + result.stderr)
    print(f"yamllint: {len(files)} files (minus those yamllint.yaml ignores)")
    return 0 if result.returncode == 0 else 1


def cmd_systemd(args):
    analyze = need_tool("systemd-analyze")
    src = os.path.join(args.source_root, "deploy/systemd")
    c = Checker()
    unit = open(os.path.join(src, "fpgaasd.service")).read()
    m = re.search(r"^ExecStart=(\S+)(.*)$", unit, re.M)
    c.expect(m and m.group(1).endswith("/bin/fpgaasd"), "ExecStart must run <prefix>/bin/fpgaasd")
    c.expect(m and "$FPGAAS_ARGS" in m.group(2), "ExecStart must pass $FPGAAS_ARGS")
    for setting in ("Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict",
                    "ProtectHome=yes", "PrivateTmp=yes", "EnvironmentFile=/etc/default/fpgaasd"):
        c.expect(re.search(rf"^{re.escape(setting)}$", unit, re.M), f"unit lacks {setting}")
    c.expect(re.search(r"^(DynamicUser=yes|User=\w+)$", unit, re.M), "unit runs as root")
    card = open(os.path.join(src, "fpga-card.conf")).read()
    c.expect("DeviceAllow=char-drm" in card and "DeviceAllow=char-xclmgmt" in card,
             "fpga-card.conf must allow /dev/dri and /dev/xclmgmt*")
    env = open(os.path.join(src, "fpgaasd.default")).read()
    flags = re.search(r'^FPGAAS_ARGS="([^"]*)"', env, re.M)
    flags = flags.group(1).split() if flags else []
    c.expect(flag_value(flags, "model-repository"),
             "fpgaasd.default must set FPGAAS_ARGS with --model-repository")
    stop = re.search(r"^TimeoutStopSec=(\d+)$", unit, re.M)
    budget = drain_budget_seconds(args.source_root, flags)
    c.expect(stop and int(stop.group(1)) > budget,
             f"TimeoutStopSec must exceed the server's drain ({budget} s)")
    with tempfile.TemporaryDirectory() as tmp:
        # verify needs ExecStart's binary to exist: point it at a stand-in executable.
        fake = os.path.join(tmp, "fpgaasd")
        with open(fake, "w") as out:
            out.write("#!/bin/sh\n")
        os.chmod(fake, 0o755)
        os.mkdir(os.path.join(tmp, "fpgaasd.service.d"))
        with open(os.path.join(tmp, "fpgaasd.service"), "w") as out:
            out.write(re.sub(r"^ExecStart=\S+", f"ExecStart={fake}", unit, flags=re.M))
        shutil.copy(os.path.join(src, "fpga-card.conf"), os.path.join(tmp, "fpgaasd.service.d"))
        result = subprocess.run([analyze, "verify", os.path.join(tmp, "fpgaasd.service")],
                                capture_output=True, text=True)
        output = (result.stdout + result.stderr).strip()
        # Messages about the host's own units are not ours.
        ours = [l for l in output.splitlines() if "fpgaasd" in l or "fpga-card" in l]
        print(output)
        c.expect(result.returncode == 0 and not ours,
                 f"systemd-analyze verify (unit + fpga-card.conf): {ours or result.returncode}")
        # The sandbox as systemd rates it (0 = locked down, 100 = none): at most 3.0 of 10.
        result = subprocess.run([analyze, "security", "--offline=yes", "--threshold=30",
                                 os.path.join(tmp, "fpgaasd.service")],
                                capture_output=True, text=True)
        overall = re.findall(r"Overall exposure level.*", result.stdout + result.stderr)
        print("\n".join(overall))
        c.expect(result.returncode == 0 and overall,
                 f"systemd-analyze security --offline: exposure above 3.0: {overall}")
    return c.finish("systemd unit")


def dockerfile_stages(text):
    """[(stage name, [instructions])], continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    stages = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        op, _, rest = line.partition(" ")
        if op.upper() == "FROM":
            m = re.search(r"\bAS\s+(\S+)", rest, re.I)
            stages.append((m.group(1) if m else str(len(stages)), []))
        elif stages:
            stages[-1][1].append((op.upper(), rest.strip()))
    return stages


def dockerignore_patterns(root):
    path = os.path.join(root, ".dockerignore")
    if not os.path.exists(path):
        return []
    return [l.strip().rstrip("/") for l in open(path)
            if l.strip() and not l.startswith("#") and not l.startswith("!")]


def ignored(path, patterns):
    import fnmatch
    parts = path.split("/")
    for p in patterns:
        p = p.lstrip("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if fnmatch.fnmatch(prefix, p) or (p.startswith("**/") and
                                              fnmatch.fnmatch(parts[i - 1], p[3:])):
                return True
    return False


def runtime_packages(root):
    text = open(os.path.join(root, "docker/Dockerfile")).read()
    stages = dockerfile_stages(text)
    final = stages[-1][1]
    packages = set()
    for op, rest in final:
        if op == "RUN" and "apt-get install" in rest:
            segment = rest.split("apt-get install", 1)[1].split("&&", 1)[0]
            packages |= {w for w in segment.split() if not w.startswith("-")}
    return packages


def build_stage_steps(root):
    """(cmake -D options, --target list, --component list) of the build stage's RUN lines."""
    stages = dockerfile_stages(open(os.path.join(root, "docker/Dockerfile")).read())
    runs = " && ".join(rest for op, rest in stages[0][1] if op == "RUN") if stages else ""
    options, targets, components = [], [], []
    for command in re.split(r"&&|;", runs):
        words = command.split()
        if words[:2] == ["cmake", "-S"]:
            options += [w for w in words if w.startswith("-D")]
        elif words[:2] == ["cmake", "--build"] and "--target" in words:
            after = words[words.index("--target") + 1:]
            targets += [w for w in after[:next((i for i, w in enumerate(after)
                                                   if w.startswith("-")), len(after))]]
        elif words[:2] == ["cmake", "--install"] and "--component" in words:
            components.append(words[words.index("--component") + 1])
    return options, targets, components


def cmd_dockerfile(args):
    root = args.source_root
    c = Checker()
    text = open(os.path.join(root, "docker/Dockerfile")).read()
    stages = dockerfile_stages(text)
    c.expect(len(stages) >= 2, "Dockerfile must be multi-stage (build + runtime)")
    c.expect(re.search(r"^FROM debian:\$\{DEBIAN_RELEASE\}|^FROM debian:bookworm", text, re.M),
             "build stage must be Debian 12 (bookworm)")
    final = stages[-1][1]
    ops = {}
    for op, rest in final:
        ops.setdefault(op, []).append(rest)
    user = (ops.get("USER") or ["root"])[-1].split(":")[0]
    c.expect(user not in ("root", "0"), "runtime stage must run as a non-root USER")
    exposed = {int(p.split("/")[0]) for e in ops.get("EXPOSE", []) for p in e.split()}
    c.expect({GRPC_PORT, METRICS_PORT} <= exposed, "runtime stage must EXPOSE 8001 8002")
    health = " ".join(ops.get("HEALTHCHECK", []))
    c.expect(re.search(r'"fpgaas",\s*"health"', health), "HEALTHCHECK must run `fpgaas health`")
    port = re.search(r"--server=[\w.]+:(\d+)", health)
    cmd = " ".join(ops.get("CMD", []))
    c.expect(port and f"--grpc-port={port.group(1)}" in cmd,
             "HEALTHCHECK must ask the gRPC port the CMD sets")
    # The check's worst case, (retries + 1) x deadline, must fit in Docker's --timeout (an
    # overrun is killed and counted as a failure). Both must be explicit: the CLI's defaults
    # (10 s, 2 retries) do not fit.
    docker_timeout = re.search(r"--timeout=(\d+)s\b", health)
    deadline_ms = re.search(r'"--timeout-ms=(\d+)"', health)
    retries = re.search(r'"--retries=(\d+)"', health)
    if c.expect(docker_timeout and deadline_ms and retries,
                "HEALTHCHECK needs --timeout=<n>s and `fpgaas health --timeout-ms=<ms> "
                "--retries=<n>`"):
        worst_ms = (int(retries.group(1)) + 1) * int(deadline_ms.group(1))
        c.expect(worst_ms < int(docker_timeout.group(1)) * 1000,
                 f"`fpgaas health` may take {worst_ms} ms ((retries + 1) x --timeout-ms), not "
                 f"less than the HEALTHCHECK --timeout={docker_timeout.group(1)}s")
    c.expect("--device=emu" in cmd, "the image must default to the emulated FPGA")
    c.expect(re.search(r"--model-repository=/models\b", cmd), "CMD must serve /models")
    c.expect(any(re.fullmatch(r"deploy/models/?\s+/models/?", r) for r in ops.get("COPY", [])),
             "the example repository must be copied to /models")
    options, targets, components = build_stage_steps(root)
    c.expect("-DFPGAAS_BUILD_TESTS=OFF" in options, "build stage must configure without tests")
    c.expect({"fpgaasd", "fpgaas"} <= set(targets),
             f"build stage must build (only) the image's programs with --target, got {targets}")
    c.expect(components, "build stage must install per component (cmake --install --component), "
             "not everything the build tree can install")
    c.expect("libxrt1" in runtime_packages(root), "runtime stage must install libxrt1")
    c.expect(not any("-dev" in p for p in runtime_packages(root)),
             "runtime stage must not install -dev packages")
    # Everything COPY'd from the build context must survive .dockerignore.
    patterns = dockerignore_patterns(root)
    c.expect(patterns, "no .dockerignore")
    for _, instructions in stages:
        for op, rest in instructions:
            if op != "COPY" or "--from=" in rest:
                continue
            sources = [s for s in rest.split() if not s.startswith("--")][:-1]
            for s in sources:
                if s == ".":
                    continue
                c.expect(os.path.exists(os.path.join(root, s)), f"COPY source {s} does not exist")
                c.expect(not ignored(s.rstrip("/"), patterns), f"COPY source {s} is in .dockerignore")
    for needed in ("server", "proto", "client", "CMakeLists.txt", "scripts/build.sh"):
        c.expect(not ignored(needed, patterns), f".dockerignore excludes {needed}, which the build needs")
    for junk in (".git", "build", "build-deploy"):
        c.expect(ignored(junk, patterns), f".dockerignore should exclude {junk}")
    return c.finish("Dockerfile + .dockerignore")


# ---------------------------------------------------------------------------------------------
# Runtime packages: the libraries the built binaries load must come with the runtime image.

def dpkg_owners(paths):
    """{path: Debian package owning it} (one dpkg-query call; merged-/usr aliases tried)."""
    aliases = {}
    for path in paths:
        for p in {path, os.path.realpath(path)}:
            aliases[p] = path
            if p.startswith("/usr/lib/"):
                aliases[p[len("/usr"):]] = path
            elif p.startswith("/lib/"):
                aliases["/usr" + p] = path
    r = subprocess.run(["dpkg-query", "-S"] + sorted(aliases), capture_output=True, text=True)
    owners = {}
    for line in r.stdout.splitlines():
        package, _, file = line.partition(": ")
        if file in aliases:
            owners[aliases[file]] = package.split(":")[0].split(",")[0].strip()
    return owners


def installed_depends(packages):
    """Closure of Depends/Pre-Depends of installed packages (alternatives: all of them)."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"],
                       capture_output=True, text=True)
    depends = {}
    for line in r.stdout.splitlines():
        name, _, deps = line.partition("\t")
        depends[name] = [d.strip().split(" ")[0].split(":")[0] for d in re.split(r"[,|]", deps)]
    seen, todo = set(), list(packages)
    while todo:
        p = todo.pop()
        if p and p not in seen:
            seen.add(p)
            todo += depends.get(p, [])
    return seen


def base_image_packages():
    """Packages debian:bookworm-slim has: Essential or Priority required."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Essential} ${Priority}\n"],
                       capture_output=True, text=True)
    return {l.split()[0] for l in r.stdout.splitlines()
            if len(l.split()) >= 3 and (l.split()[1] == "yes" or l.split()[2] == "required")}


def configured_targets(cmake, source, build, options):
    """(configure result, {target names}) of a configure of `source` into `build`."""
    r = subprocess.run([cmake, "-S", source, "-B", build] + options, capture_output=True,
                       text=True)
    if r.returncode != 0:
        return r, set()
    help_ = subprocess.run([cmake, "--build", build, "--target", "help"], capture_output=True,
                           text=True).stdout
    return r, set(re.findall(r"^\.\.\. (\S+)", help_, re.M))


def cmd_image_configure(args):
    """The image's build stage configures the build context (.dockerignore applied) with its
    -D options (-DFPGAAS_BUILD_TESTS=OFF: no GoogleTest or Benchmark): that must succeed, define
    the same targets as the whole checkout does with those options (no component folder lost to
    .dockerignore) and the stage's --target's."""
    c = Checker()
    options, image_targets, _ = build_stage_steps(args.source_root)
    with tempfile.TemporaryDirectory() as tmp:
        # The Docker build context: the checkout minus what .dockerignore excludes.
        context = os.path.join(tmp, "src")
        patterns = dockerignore_patterns(args.source_root)
        copied = 0
        for dirpath, dirnames, filenames in os.walk(args.source_root):
            rel = os.path.relpath(dirpath, args.source_root)
            rel = "" if rel == "." else rel + "/"
            dirnames[:] = [d for d in dirnames if not ignored(rel + d, patterns)]
            for f in filenames:
                if not ignored(rel + f, patterns):
                    os.makedirs(os.path.join(context, rel), exist_ok=True)
                    shutil.copy2(os.path.join(dirpath, f), os.path.join(context, rel, f))
                    copied += 1
        print(f"build context: {copied} files after .dockerignore; cmake {' '.join(options)}")
        r, targets = configured_targets(args.cmake, context, os.path.join(tmp, "build"), options)
        if c.expect(r.returncode == 0, f"configure of the build context failed:\n"
                    f"{r.stdout[-3000:]}{r.stderr}"):
            _, full = configured_targets(args.cmake, args.source_root,
                                         os.path.join(tmp, "build-full"), options)
            c.expect(full <= targets, f".dockerignore drops what defines {sorted(full - targets)}")
            for t in ["install"] + image_targets:
                c.expect(t in targets, f"no target {t} (docker/Dockerfile builds it) when "
                         f"configured with {options}")
            c.expect(not any(t.endswith("_test") for t in targets),
                     "test targets are configured although FPGAAS_BUILD_TESTS=OFF")
    return c.finish("image build stage configuration (build context, FPGAAS_BUILD_TESTS=OFF)")


def cmd_image_layout(args):
    need_tool("dpkg-query")
    need_tool("ldd")
    c = Checker()
    _, targets, components = build_stage_steps(args.source_root)
    if not c.expect(targets and components, "docker/Dockerfile's build stage names no --target "
                    "or no --component"):
        return c.finish("image layout")
    with tempfile.TemporaryDirectory() as prefix:
        # The build stage's installs, replayed on this (fully built) tree.
        for component in components:
            r = subprocess.run([args.cmake, "--install", args.build_dir, "--prefix", prefix,
                                "--component", component], capture_output=True, text=True)
            c.expect(r.returncode == 0, f"cmake --install --component {component} failed: "
                     f"{r.stdout}{r.stderr}")
        installed = sorted(os.path.relpath(os.path.join(d, f), prefix)
                           for d, _, files in os.walk(prefix) for f in files)
        print("installed: " + " ".join(installed))
        for b in ("fpgaasd", "fpgaas"):
            c.expect(f"bin/{b}" in installed, f"the Dockerfile's installs put no bin/{b} (the "
                     "runtime stage runs it)")
        # In the image only --target's are built: installing anything else fails there.
        for f in installed:
            c.expect(f.startswith("bin/") and os.path.basename(f) in targets,
                     f"the Dockerfile's components install {f}, which its --target list "
                     f"{targets} does not build")
        for t in targets:
            c.expect(f"bin/{t}" in installed, f"the Dockerfile builds {t} but installs no bin/{t}")
        binaries = [os.path.join(prefix, f) for f in installed
                    if os.access(os.path.join(prefix, f), os.X_OK)]
        check_runtime_packages(c, args.source_root, binaries, [prefix])
    return c.finish("image layout: installed binaries and the runtime stage's packages")


def cmd_systemd_docs(args):
    """Every Documentation=file: of the unit exists after the install its README describes."""
    c = Checker()
    unit = open(os.path.join(args.source_root, "deploy/systemd/fpgaasd.service")).read()
    exec_start = re.search(r"^ExecStart=(\S+)/bin/fpgaasd", unit, re.M)
    if not c.expect(exec_start, "ExecStart must run <prefix>/bin/fpgaasd"):
        return c.finish("systemd Documentation=")
    unit_prefix = exec_start.group(1)
    documentation = [u for line in re.findall(r"^Documentation=(.*)$", unit, re.M)
                     for u in line.split()]
    c.expect(documentation, "the unit names no Documentation=")
    with tempfile.TemporaryDirectory() as prefix:
        # deploy/systemd/README.md: `cmake --install build --prefix /usr/local` (every component).
        r = subprocess.run([args.cmake, "--install", args.build_dir, "--prefix", prefix],
                           capture_output=True, text=True)
        c.expect(r.returncode == 0, f"cmake --install failed: {r.stdout}{r.stderr}")
        for uri in documentation:
            if not c.expect(re.match(r"(file|man|info|https?):", uri),
                            f"Documentation={uri}: not a file:, man:, info: or http(s): URI"):
                continue
            if not uri.startswith("file:"):
                continue
            path = uri[len("file:"):]
            if not c.expect(path.startswith(unit_prefix + "/"),
                            f"Documentation={uri} is outside the unit's prefix {unit_prefix}"):
                continue
            installed = os.path.join(prefix, os.path.relpath(path, unit_prefix))
            c.expect(os.path.isfile(installed),
                     f"Documentation={uri}: `cmake --install --prefix {unit_prefix}` installs "
                     "no such file")
            print(f"{uri}: {'installed' if os.path.isfile(installed) else 'MISSING'}")
    return c.finish("systemd Documentation= names installed files")


def check_runtime_packages(c, root, binaries, project_dirs):
    listed = runtime_packages(root)
    unknown = [p for p in listed
               if subprocess.run(["dpkg-query", "-W", p], capture_output=True).returncode != 0
               and subprocess.run(["apt-cache", "show", p], capture_output=True).returncode != 0]
    c.expect(not unknown, f"Dockerfile runtime packages unknown to dpkg/apt: {unknown}")
    provided = installed_depends(listed) | base_image_packages()
    loaded = []  # (binary, library, path)
    for binary in binaries:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if not m:
                continue
            lib, path = m.groups()
            if path == "not":
                c.expect(False, f"{os.path.basename(binary)}: {lib} not found")
            elif not any(os.path.realpath(path).startswith(os.path.realpath(d) + "/")
                         for d in project_dirs):  # the project's own libraries are installed
                loaded.append((binary, lib, path))
    c.expect(loaded, "ldd found no system libraries at all")
    owners = dpkg_owners({path for _, _, path in loaded})
    for binary, lib, path in loaded:
        owner = owners.get(path)
        if c.expect(owner is not None, f"{lib} ({path}) belongs to no Debian package"):
            c.expect(owner in provided,
                     f"{os.path.basename(binary)} loads {lib} from {owner}, which the runtime "
                     f"stage of docker/Dockerfile does not install")


# ---------------------------------------------------------------------------------------------
# Flags: what the image, manifests, unit and docs pass to fpgaasd and `fpgaas health` exists.

def help_flags(text):
    """{flag name with underscores: choices or None} from absl's --helpfull output."""
    flags = {}
    for name, description in re.findall(r"^\s+--(\w+) \((.*)", text, re.M):
        m = re.match(r"([\w:,.-]+(?: \| [\w:,.-]+)+)\)", description)
        flags[name] = ({p for choice in m.group(1).split(" | ") for p in choice.split(",")}
                       if m else None)
    return flags


def dockerfile_cmd(root):
    """The runtime stage's CMD (exec form) as a list."""
    stages = dockerfile_stages(open(os.path.join(root, "docker/Dockerfile")).read())
    cmds = [rest for op, rest in stages[-1][1] if op == "CMD"]
    return json.loads(cmds[-1]) if cmds else []


def daemon_flag_uses(root, yaml):
    """[(where, [--flag=value ...])]: every place that starts fpgaasd with flags."""
    uses = [("docker/Dockerfile CMD", dockerfile_cmd(root))]
    for path in sorted(glob.glob(os.path.join(root, "deploy/k8s/**/*.yaml"), recursive=True)):
        for doc in yaml.safe_load_all(open(path)):
            spec = (((doc or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
            for ctr in spec.get("containers", []):
                if ctr.get("name") == "fpgaasd" and ctr.get("args"):
                    uses.append((os.path.relpath(path, root), ctr["args"]))
    compose = yaml.safe_load(open(os.path.join(root, "deploy/compose/docker-compose.yml")))
    uses.append(("docker-compose.yml", compose["services"]["fpgaasd"].get("command", [])))
    env = open(os.path.join(root, "deploy/systemd/fpgaasd.default")).read()
    for value in re.findall(r'^FPGAAS_ARGS="([^"]*)"', env, re.M):
        uses.append(("deploy/systemd/fpgaasd.default", value.split()))
    unit = open(os.path.join(root, "deploy/systemd/fpgaasd.service")).read()
    for rest in re.findall(r"^ExecStart=\S+(.*)$", unit, re.M):
        words = [w for w in rest.split() if w.startswith("-")]
        if words:
            uses.append(("deploy/systemd/fpgaasd.service", words))
    for doc in DEPLOY_DOCS:
        text = re.sub(r"\\\n\s*", " ", open(os.path.join(root, doc)).read())
        for line in text.splitlines():
            # `fpgaasd --flag ...` and, in `docker run ... fpgaas --flag ...`, the image's args.
            for m in re.finditer(r"\bfpgaasd?((?:\s+--[\w-]+=\S+)+)", line):
                uses.append((f"{doc}: {line.strip()}", m.group(1).split()))
            if line.startswith("| `--"):  # the flag table of docs/deployment.md
                uses.append((f"{doc} table", re.findall(r"`(--[\w-]+)", line.split("|")[1])))
    return uses


def cli_health_uses(root):
    """[(where, [--option ...])] of every `fpgaas health` command line."""
    stages = dockerfile_stages(open(os.path.join(root, "docker/Dockerfile")).read())
    health = " ".join(rest for op, rest in stages[-1][1] if op == "HEALTHCHECK")
    m = re.search(r"CMD\s+(\[.*\])", health)
    uses = [("Dockerfile HEALTHCHECK", json.loads(m.group(1))[2:] if m else [])]
    for doc in DEPLOY_DOCS:
        for line in open(os.path.join(root, doc)).read().splitlines():
            for m in re.finditer(r"\bfpgaas health((?:\s+--[\w-]+(?:=[^\s'`]+)?)+)", line):
                uses.append((f"{doc}: {line.strip()}", m.group(1).split()))
    return uses


DEPLOY_DOCS = ("docs/deployment.md", "docker/README.md", "deploy/systemd/README.md")


def cmd_flags(args):
    yaml = load_yaml_module()
    root = args.source_root
    c = Checker()
    r = subprocess.run([args.fpgaasd, "--helpfull"], capture_output=True, text=True)
    flags = help_flags(r.stdout + r.stderr)
    if not c.expect("model_repository" in flags, "fpgaasd --helpfull lists no --model-repository"):
        return c.finish("flags")
    checked = 0
    for where, words in daemon_flag_uses(root, yaml):
        c.expect(words, f"{where}: no flags found")
        for word in words:
            name, has_value, value = word.lstrip("-").partition("=")
            key = name.replace("-", "_")
            checked += 1
            if not c.expect(word.startswith("--") and key in flags,
                            f"{where}: fpgaasd has no flag {word.split('=')[0]!r}"):
                continue
            if has_value and flags[key] and "<" not in value:
                parts = {re.sub(r"\d+", "0", p) for p in value.split(",")}
                c.expect(parts <= flags[key], f"{where}: {word}: fpgaasd accepts "
                         f"{' | '.join(sorted(flags[key]))}")
    if args.cli:
        r = subprocess.run([args.cli, "health", "--help"], capture_output=True, text=True)
        options = set(re.findall(r"^\s+(--[\w-]+)", r.stdout + r.stderr, re.M))
        c.expect("--server" in options, "`fpgaas health --help` lists no --server")
        for where, words in cli_health_uses(root):
            c.expect(words, f"{where}: no options found")
            for word in words:
                checked += 1
                c.expect(word.split("=")[0] in options,
                         f"{where}: `fpgaas health` has no option {word.split('=')[0]!r}")
    print(f"{checked} flag uses checked against fpgaasd --helpfull / fpgaas health --help")
    return c.finish("flags of fpgaasd and `fpgaas health` in the image, manifests, unit and docs")


# ---------------------------------------------------------------------------------------------
# Live: start fpgaasd on the example repository, scrape /metrics, check health and drain.

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
        return r.read().decode()


TARGET_LABELS = {"job", "instance", "namespace", "pod", "service"}  # added by Prometheus


def live_labels(text):
    """{series name: label names} of a /metrics page."""
    labels = {}
    for name, body in re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s", text, re.M):
        labels.setdefault(name, set()).update(
            re.findall(r'([a-zA-Z_]\w*)="(?:\\.|[^"\\])*"', body or ""))
    return labels


def expression_labels(expr):
    """Label names an expression groups by or matches on."""
    text = re.sub(r"<<[^>]*>>", "", expr)
    _, _, grouping, _ = promql_references(expr)
    matched = set()
    for body in re.findall(r"\{([^}]*)\}", text):
        matched.update(re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", body))
    return grouping | matched


def promql_for_promtool(expr):
    """`expr` with Grafana variables and prometheus-adapter templates filled in."""
    expr = expr.replace("<<.LabelMatchers>>", 'job!=""').replace("<<.GroupBy>>", "job")
    expr = re.sub(r"\$\{?__(rate_)?interval\}?", "1m", expr)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def check_promql_syntax(c, promtool, exprs):
    """promtool check rules on one recording rule per expression: PromQL that parses."""
    rules = {"groups": [{"name": "deploy-expressions", "rules": [
        {"record": f"deploy:expression_{i}", "expr": promql_for_promtool(e)}
        for i, (_, e) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        json.dump(rules, f)  # JSON is YAML
        f.flush()
        r = subprocess.run([promtool, "check", "rules", f.name], capture_output=True, text=True)
    output = (r.stdout + r.stderr).strip()
    for i, (where, e) in enumerate(exprs):
        if f"deploy:expression_{i}\"" in output or f"expression_{i}:" in output:
            c.expect(False, f"{where}: promtool rejects {e!r}")
    c.expect(r.returncode == 0, f"promtool check rules on the deployment's PromQL: {output}")


def check_grpc_health(c, port):
    """Kubernetes' `grpc:` probe: Health/Check with service "" must answer SERVING; an unknown
    service NOT_FOUND. Raw protobuf bytes: request field 1 = service, response field 1 = status
    (SERVING = 1)."""
    try:
        import grpc  # python3-grpcio
    except ImportError:
        c.expect(False, "python3-grpcio not installed (scripts/install-deps.sh installs it): "
                 "cannot call grpc.health.v1.Health/Check as the kubelet's grpc probe does")
        return
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        try:
            response = check(b"", timeout=10)
            c.expect(response == b"\x08\x01", f"grpc.health.v1 Check(\"\") answered "
                     f"{response!r}, not SERVING (the probes would fail)")
        except grpc.RpcError as e:
            c.expect(False, f"grpc.health.v1 Check(\"\") failed: {e.code()} {e.details()}")
        service = b"no.such.Service"
        try:
            check(b"\x0a" + bytes([len(service)]) + service, timeout=10)
            c.expect(False, "grpc.health.v1 Check(unknown service) did not fail")
        except grpc.RpcError as e:
            c.expect(e.code() == grpc.StatusCode.NOT_FOUND,
                     f"grpc.health.v1 Check(unknown service): {e.code()}, expected NOT_FOUND")


def cmd_live(args):
    promtool = need_tool("promtool")
    root = args.source_root
    models = os.path.join(root, "deploy/models")
    if not glob.glob(os.path.join(models, "*/config.pbtxt")):
        skip("deploy/models has no model yet")
    c = Checker()
    grpc_port, metrics_port = free_port(), free_port()
    log = tempfile.TemporaryFile()
    # The image's default command, on this checkout's deploy/models and free ports.
    replace = {"model-repository": models, "grpc-port": grpc_port, "metrics-port": metrics_port}
    command = [f"--{n}={replace[n]}" if (n := a.lstrip("-").split("=")[0]) in replace else a
               for a in dockerfile_cmd(root)]
    c.expect("--device=emu" in command and len(command) == len(dockerfile_cmd(root)),
             f"unexpected Dockerfile CMD {dockerfile_cmd(root)}")
    print("fpgaasd " + " ".join(command))
    server = subprocess.Popen([args.fpgaasd] + command, stdout=log, stderr=subprocess.STDOUT)
    try:
        text = None
        deadline = time.monotonic() + 60  # startup wait, not an assertion on speed
        while time.monotonic() < deadline and server.poll() is None:
            try:
                text = scrape(metrics_port)
                if "nv_inference_count" in text:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not c.expect(text and "nv_inference_count" in text,
                        "fpgaasd did not serve model metrics on --metrics-port"):
            log.seek(0)
            unknown = re.findall(r"Unknown command line flag '([\w-]+)'", log.read().decode())
            c.expect(not unknown, f"fpgaasd rejects the flags every manifest, unit and script "
                     f"passes: {unknown} (issue 3's --grpc-port, --metrics-port, ...)")
            return c.finish("live fpgaasd")

        # The exposition must parse (promtool exit 1 = parse error, 3 = lint problems only).
        # The lint about names is not ours to fix: issue 3 fixes the µs unit suffix `_us`, and
        # the nv_inference_* counters keep Triton's names (no _total, `_count` on counters) so
        # SuperSONIC reads them unchanged. Any other lint problem fails.
        r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True)
        lint = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
        print("\n".join(lint))
        c.expect(r.returncode in (0, 3), f"promtool check metrics failed ({r.returncode}): {lint}")
        contract = contract_names(root)

        def deliberate(line):
            name, _, problem = line.partition(" ")
            if name not in contract:
                return False
            # Triton's nv_inference_*_us names are kept for its clients; fpgaas_* use seconds.
            if problem == "metric names should not contain abbreviated units":
                return name.startswith("nv_inference_") and name.endswith("_us")
            return name.startswith("nv_inference_") and problem in (
                'counter metrics should have "_total" suffix',
                'non-histogram and non-summary metrics should not have "_count" suffix')

        others = [l for l in lint if not deliberate(l) and not l.startswith("error while")]
        c.expect(not others, f"promtool check metrics lint: {others}")

        live_names = set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", text, re.M))
        # The XRT card and compute-unit families are registered by the first XRT card; this
        # server runs on the emulator.
        expected = {n for n in sample_names(exported_families(root))
                    if not n.startswith("fpgaas_xrt_")}
        c.expect(expected <= live_names,
                 f"families in metrics.cc but not on /metrics: {sorted(expected - live_names)}")
        # Every name the dashboard, the recording rules and the autoscalers use is live.
        yaml = load_yaml_module()
        compose = os.path.join(root, "deploy/compose")
        exprs = []  # (where, expression)
        for path in glob.glob(os.path.join(compose, "grafana/dashboards/*.json")):
            exprs += [(f"{os.path.basename(path)} {w}", e)
                      for w, e in dashboard_expressions(json.load(open(path)))]
        for group in yaml.safe_load(open(os.path.join(compose, "rules.yml")))["groups"]:
            exprs += [(f"rules.yml {r.get('record') or r.get('alert')}", r["expr"])
                      for r in group["rules"]]
        keda = yaml.safe_load(open(os.path.join(root, "deploy/k8s/autoscaling/keda/scaledobject.yaml")))
        exprs += [("KEDA trigger", t["metadata"]["query"]) for t in keda["spec"]["triggers"]]
        adapter = yaml.safe_load(open(os.path.join(
            root, "deploy/k8s/autoscaling/hpa/prometheus-adapter-values.yaml")))
        exprs += [(f"prometheus-adapter {k}", r[k]) for r in adapter["rules"]["external"]
                  for k in ("seriesQuery", "metricsQuery")]
        labels = live_labels(text)
        for where, e in exprs:
            metrics = check_promql(c, f"{where} vs live /metrics", e, live_names)
            have = set().union(*(labels.get(m, set()) for m in metrics)) | TARGET_LABELS
            missing = expression_labels(e) - have
            c.expect(not missing, f"{where}: live series {sorted(metrics)} carry no label(s) "
                     f"{sorted(missing)} (expression {e!r})")
        check_promql_syntax(c, promtool, exprs)
        print(f"{len(exprs)} PromQL expressions (dashboard, rules.yml, KEDA, prometheus-adapter) "
              f"checked against {len(live_names)} live series names")

        if args.cli:
            health = subprocess.run([args.cli, "health", f"--server=127.0.0.1:{grpc_port}"],
                                    capture_output=True, text=True, timeout=30)
            c.expect(health.returncode == 0,
                     f"`fpgaas health` (the image's HEALTHCHECK) exited {health.returncode} on a "
                     f"serving fpgaasd: {health.stdout}{health.stderr}")

        # What the Deployment's native gRPC probes call: grpc.health.v1.Health/Check, service "".
        check_grpc_health(c, grpc_port)

        # SIGTERM: the drain the Deployment's grace period and the unit's TimeoutStopSec allow for.
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=drain_budget_seconds(root) + 20)
            c.expect(code == 0, f"fpgaasd exited {code} after SIGTERM (expected a clean drain)")
        except subprocess.TimeoutExpired:
            c.expect(False, "fpgaasd did not exit after SIGTERM within its drain budget")
        if args.cli:
            health = subprocess.run([args.cli, "health", f"--server=127.0.0.1:{grpc_port}"],
                                    capture_output=True, text=True, timeout=60)
            c.expect(health.returncode != 0, "`fpgaas health` exits 0 with no server running")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if c.problems:
            log.seek(0)
            print("--- fpgaasd log ---\n" + log.read().decode(errors="replace")[-4000:])
    return c.finish("live fpgaasd: promtool check metrics, names, health, drain")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source-root", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("kustomize")
    sub.add_parser("dashboard")
    sub.add_parser("compose")
    sub.add_parser("compose-config")
    sub.add_parser("yamllint")
    sub.add_parser("systemd")
    sub.add_parser("dockerfile")
    configure = sub.add_parser("image-configure")
    configure.add_argument("--cmake", required=True)
    layout = sub.add_parser("image-layout")
    layout.add_argument("--cmake", required=True)
    layout.add_argument("--build-dir", required=True)
    docs = sub.add_parser("systemd-docs")
    docs.add_argument("--cmake", required=True)
    docs.add_argument("--build-dir", required=True)
    flags = sub.add_parser("flags")
    flags.add_argument("--fpgaasd", required=True)
    flags.add_argument("--cli", default=None)
    live = sub.add_parser("live")
    live.add_argument("--fpgaasd", required=True)
    live.add_argument("--cli", default=None)
    args = parser.parse_args()
    args.source_root = os.path.abspath(args.source_root)
    handler = globals()["cmd_" + args.command.replace("-", "_")]
    sys.exit(handler(args))


if __name__ == "__main__":
    main()
