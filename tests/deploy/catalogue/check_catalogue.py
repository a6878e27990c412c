#!/usr/bin/env python3
"""Checks of the INFN Cloud catalogue entry: the Debian package, the Ansible role and the TOSCA template.

  lint    ansible-lint (production profile) and `ansible-playbook --syntax-check` on the playbooks
  tosca   deploy/infn-cloud/fpgaas.yaml against a small schema of the TOSCA simple profile, plus
          the references inside it (inputs, node types, the create playbook, the role's variables)
  deb     the package installs with apt in a throwaway Debian 12 root; `fpgaasd --help` runs;
          fpgaasd serves the packaged example models and `fpgaas health` answers; purge cleans up
  role    the role applied with ansible_connection=community.general.chroot to a throwaway Debian 12
          root (twice: the second run must change nothing), Prometheus' config it wrote checked by
          promtool, then fpgaasd started there with the flags the role wrote answers
          `fpgaas health` with the role's token (and refuses without it)

The throwaway roots are overlays on a debootstrap'ed Debian 12 (minbase + python3-apt), made once and
kept as a folder in --cache-dir together with the .deb files apt downloaded, so only the first
run needs the Debian mirror for more than an index refresh. systemd cannot run in a chroot: the
tests start fpgaasd directly with the unit's flags (and do what LoadCredential= would).
Exit 77 (skipped) when a tool is missing or this is not root.
"""
import argparse
import contextlib
import fcntl
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

SKIP = 77


def skip(why):
    print(f"SKIPPED: {why}")
    sys.exit(SKIP)


def need(*tools):
    for t in tools:
        if not shutil.which(t):
            skip(f"{t} is not installed (scripts/install-deps.sh)")


def run(cmd, **kw):
    t0 = time.monotonic()
    r = subprocess.run(cmd, **kw)
    print(f"+ [{time.monotonic() - t0:5.1f} s] {' '.join(cmd)}", flush=True)
    return r


class Checker:
    def __init__(self):
        self.failures = []

    def expect(self, ok, msg):
        if not ok:
            self.failures.append(msg)
            print(f"FAIL: {msg}", flush=True)
        return ok

    def finish(self, what):
        if self.failures:
            print(f"{what}: {len(self.failures)} failure(s)")
            return 1
        print(f"{what}: ok")
        return 0


# ---------------------------------------------------------------------------------------------
# lint

def cmd_lint(args):
    need("ansible-lint", "ansible-playbook")
    c = Checker()
    ansible_dir = os.path.join(args.source_root, "deploy/ansible")
    with tempfile.TemporaryDirectory() as home:  # ansible's and ansible-lint's caches
        env = dict(os.environ, ANSIBLE_ROLES_PATH=os.path.join(ansible_dir, "roles"),
                   ANSIBLE_LOCAL_TEMP=os.path.join(home, "tmp"), HOME=home)
        for playbook in ["deploy/ansible/playbook.yml", "deploy/infn-cloud/fpgaas_install.yml"]:
            r = run(["ansible-playbook", "--syntax-check", "-i", "localhost,",
                     os.path.join(args.source_root, playbook)], env=env, capture_output=True, text=True)
            c.expect(r.returncode == 0, f"ansible-playbook --syntax-check {playbook}: {r.stdout}{r.stderr}")
        r = run(["ansible-lint", "--nocolor", "--profile", "production", "playbook.yml",
                 "roles/fpgaasd", "../infn-cloud/fpgaas_install.yml"],
                cwd=ansible_dir, env=env, capture_output=True, text=True)
    print(r.stdout[-4000:], r.stderr[-4000:])
    c.expect(r.returncode == 0, "ansible-lint --profile production failed")
    return c.finish("ansible-lint and syntax check")


# ---------------------------------------------------------------------------------------------
# tosca

# The parts of the TOSCA Simple Profile in YAML 1.0 service template this entry uses, with the
# INDIGO conventions: typed inputs with constraints, node types with properties, artifacts and
# Standard lifecycle operations, node templates with requirements and capabilities, outputs.
PROPERTY_DEF = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string"},
        "description": {"type": "string"},
        "required": {"type": "boolean"},
        "default": {},
        "constraints": {"type": "array", "items": {"type": "object", "minProperties": 1, "maxProperties": 1,
                                                   "propertyNames": {"enum": [
                                                       "equal", "greater_than", "greater_or_equal", "less_than",
                                                       "less_or_equal", "in_range", "valid_values", "length",
                                                       "min_length", "max_length", "pattern"]}}},
        "entry_schema": {"type": "object"},
    },
    "additionalProperties": False,
}
TOSCA_SCHEMA = {
    "type": "object",
    "required": ["tosca_definitions_version", "topology_template"],
    "properties": {
        "tosca_definitions_version": {"const": "tosca_simple_yaml_1_0"},
        "imports": {"type": "array", "items": {"type": ["object", "string"]}},
        "description": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": ["string", "number", "array", "object"]}},
        "node_types": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["derived_from"],
                "properties": {
                    "derived_from": {"type": "string"},
                    "description": {"type": "string"},
                    "metadata": {"type": "object"},
                    "properties": {"type": "object", "additionalProperties": PROPERTY_DEF},
                    "attributes": {"type": "object"},
                    "requirements": {"type": "array"},
                    "capabilities": {"type": "object"},
                    "artifacts": {"type": "object", "additionalProperties": {
                        "type": "object", "required": ["file", "type"],
                        "properties": {"file": {"type": "string"}, "type": {"type": "string"}}}},
                    "interfaces": {"type": "object", "properties": {"Standard": {
                        "type": "object",
                        "propertyNames": {"enum": ["type", "create", "configure", "start", "stop", "delete"]},
                        "additionalProperties": {"type": "object", "required": ["implementation"],
                                                 "properties": {"implementation": {"type": "string"},
                                                                "inputs": {"type": "object"}}}}}},
                },
                "additionalProperties": False,
            },
        },
        "topology_template": {
            "type": "object",
            "required": ["node_templates"],
            "properties": {
                "description": {"type": "string"},
                "inputs": {"type": "object", "additionalProperties": PROPERTY_DEF},
                "node_templates": {"type": "object", "minProperties": 1, "additionalProperties": {
                    "type": "object", "required": ["type"],
                    "properties": {
                        "type": {"type": "string"},
                        "properties": {"type": "object"},
                        "capabilities": {"type": "object", "additionalProperties": {
                            "type": "object", "properties": {"properties": {"type": "object"}},
                            "additionalProperties": False}},
                        "requirements": {"type": "array", "items": {"type": "object", "minProperties": 1,
                                                                    "maxProperties": 1}},
                        "artifacts": {"type": "object"},
                        "interfaces": {"type": "object"},
                    },
                    "additionalProperties": False}},
                "outputs": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["value"],
                    "properties": {"value": {}, "description": {"type": "string"}},
                    "additionalProperties": False}},
                "policies": {"type": "array"},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
# Types the template may use without defining them: the normative ones and INDIGO's
# (custom_types.yaml of indigo-dc/tosca-types, imported by the template).
KNOWN_NODE_TYPES = {"tosca.nodes.Root", "tosca.nodes.Compute", "tosca.nodes.SoftwareComponent",
                    "tosca.nodes.WebServer", "tosca.nodes.indigo.Compute"}
SCALAR_TYPES = {"string": str, "integer": int, "boolean": bool, "float": (int, float),
                "scalar-unit.size": str, "version": str}


def walk_functions(node, name):
    """Every argument of TOSCA function `name` (get_input, get_property...) under node."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == name:
                yield v
            yield from walk_functions(v, name)
    elif isinstance(node, list):
        for v in node:
            yield from walk_functions(v, name)


def satisfies(value, constraint):
    (op, arg), = constraint.items()
    if op == "valid_values":
        return value in arg
    if op == "in_range":
        return arg[0] <= value <= arg[1]
    if op == "greater_or_equal":
        return value >= arg
    if op == "greater_than":
        return value > arg
    if op == "less_or_equal":
        return value <= arg
    if op == "pattern":
        return re.fullmatch(arg, str(value)) is not None
    if op == "min_length":
        return len(value) >= arg
    return True


def cmd_tosca(args):
    try:
        import jsonschema
        import yaml
    except ImportError as e:
        skip(f"python module missing: {e}")
    c = Checker()
    path = os.path.join(args.source_root, "deploy/infn-cloud/fpgaas.yaml")
    doc = yaml.safe_load(open(path))
    errors = sorted(jsonschema.Draft7Validator(TOSCA_SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        c.expect(False, f"schema: {'/'.join(map(str, e.path))}: {e.message}")
    if errors:
        return c.finish("TOSCA template")
    topo = doc["topology_template"]
    inputs = topo.get("inputs", {})
    node_types = doc.get("node_types", {})

    c.expect(any("indigo_custom_types" in (i if isinstance(i, dict) else {}) for i in doc.get("imports", [])),
             "the template must import the INDIGO custom types (indigo_custom_types)")
    # Inputs: defaults have their declared type and meet their constraints; every input is used.
    for name, spec in inputs.items():
        c.expect("description" in spec, f"input {name}: no description (the dashboard shows it)")
        if "default" in spec:
            py = SCALAR_TYPES.get(spec["type"])
            typed = py is None or isinstance(spec["default"], py) and not (
                py is int and isinstance(spec["default"], bool))
            if c.expect(typed, f"input {name}: default {spec['default']!r} is not a {spec['type']}"):
                for con in spec.get("constraints", []):
                    c.expect(satisfies(spec["default"], con), f"input {name}: default breaks {con}")
    used = set(walk_functions(topo, "get_input"))
    for u in used:
        c.expect(u in inputs, f"get_input {u}: no such input")
    for name in inputs:
        c.expect(name in used, f"input {name} is never used")
    for wanted in ["num_cpus", "mem_size", "instance_type", "with_fpga", "model_repository_source",
                   "grpc_port", "http_port", "auth_token", "enable_monitoring"]:
        c.expect(wanted in inputs, f"the dashboard needs input {wanted}")

    # Node types: INDIGO-style name, derived from a known type, a role artifact and a create
    # operation whose playbook exists and applies the role, inputs mapped to role variables.
    defaults = yaml.safe_load(open(os.path.join(args.source_root, "deploy/ansible/roles/fpgaasd/defaults/main.yml")))
    for tname, t in node_types.items():
        c.expect(tname.startswith("tosca.nodes.indigo."), f"node type {tname}: not in tosca.nodes.indigo.")
        c.expect(t["derived_from"] in KNOWN_NODE_TYPES | set(node_types),
                 f"node type {tname}: derived from unknown {t['derived_from']}")
        c.expect(any(a["type"] == "tosca.artifacts.AnsibleGalaxy.role" for a in t.get("artifacts", {}).values()),
                 f"node type {tname}: no tosca.artifacts.AnsibleGalaxy.role artifact")
        create = t.get("interfaces", {}).get("Standard", {}).get("create")
        if not c.expect(create, f"node type {tname}: no Standard.create operation"):
            continue
        impl = os.path.join(os.path.dirname(path), create["implementation"])
        if c.expect(os.path.isfile(impl), f"{tname}: create implementation {create['implementation']} missing"):
            plays = yaml.safe_load(open(impl))
            roles = [r["role"] if isinstance(r, dict) else r for p in plays for r in p.get("roles", [])]
            c.expect("fpgaasd" in roles, f"{create['implementation']} does not apply role fpgaasd")
        props = t.get("properties", {})
        for var, value in create.get("inputs", {}).items():
            c.expect(var in defaults, f"{tname}: create input {var} is not a variable of role fpgaasd")
            for ref in walk_functions(value, "get_property"):
                c.expect(ref[0] == "SELF" and ref[1] in props, f"{tname}: get_property {ref}: no such property")
        for pname in props:
            c.expect(any(pname in list(walk_functions(v, "get_property"))[0] for v in create.get("inputs", {}).values()
                         if list(walk_functions(v, "get_property"))),
                     f"{tname}: property {pname} never reaches the role")

    # Node templates: known types; requirements name other templates; properties exist on the type.
    templates = topo["node_templates"]
    for nname, n in templates.items():
        c.expect(n["type"] in KNOWN_NODE_TYPES | set(node_types), f"node template {nname}: unknown type {n['type']}")
        for req in n.get("requirements", []):
            (_, target), = req.items()
            c.expect(target in templates, f"node template {nname}: requirement on unknown {target}")
        if n["type"] in node_types:
            for p in n.get("properties", {}):
                c.expect(p in node_types[n["type"]].get("properties", {}), f"{nname}: property {p} not in its type")
    # Outputs: the gRPC and HTTP endpoints and Grafana's URL, from the ports the inputs set.
    outputs = topo.get("outputs", {})
    for out, port_input in [("grpc_endpoint", "grpc_port"), ("http_endpoint", "http_port"),
                            ("grafana_url", "grafana_port")]:
        if c.expect(out in outputs, f"no output {out}"):
            c.expect(port_input in set(walk_functions(outputs[out], "get_input")),
                     f"output {out} does not use input {port_input}")
    compute = [n for n in templates.values() if n["type"] == "tosca.nodes.indigo.Compute"]
    if c.expect(len(compute) == 1, "one tosca.nodes.indigo.Compute node"):
        ports = compute[0].get("capabilities", {}).get("endpoint", {}).get("properties", {}).get("ports", {})
        opened = {json.dumps(p.get("source")) for p in ports.values()}
        for port_input in ["grpc_port", "http_port", "grafana_port"]:
            c.expect(json.dumps({"get_input": port_input}) in opened, f"endpoint does not open input {port_input}")
    return c.finish("TOSCA template")


# ---------------------------------------------------------------------------------------------
# throwaway Debian 12 roots

def host_mirror():
    """The Debian mirror the host's apt uses (None: debootstrap's default)."""
    for f in glob.glob("/etc/apt/sources.list.d/*.sources") + ["/etc/apt/sources.list"]:
        try:
            text = open(f).read()
        except OSError:
            continue
        m = re.search(r"^URIs:\s*(\S+/debian)\s*$", text, re.M) or \
            re.search(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+/debian)\s+bookworm\b", text, re.M)
        if m:
            return m.group(1)
    return None


def base_root(cache):
    """debootstrap'ed bookworm (minbase, python3-apt for Ansible's apt module), made once."""
    os.makedirs(cache, exist_ok=True)
    base = os.path.join(cache, "bookworm-minbase")
    with open(os.path.join(cache, "base.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isfile(os.path.join(base, ".complete")):
            return base
        safe_rmtree(base)
        t0 = time.monotonic()
        cmd = ["debootstrap", "--variant=minbase", "--include=python3,python3-apt", "bookworm", base]
        mirror = host_mirror()
        if mirror:
            cmd.append(mirror)
        r = run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout[-3000:], r.stderr[-3000:])
            safe_rmtree(base)
            raise SystemExit("debootstrap failed (Debian mirror unreachable?)")
        run(["chroot", base, "apt-get", "clean"], check=True)
        open(os.path.join(base, ".complete"), "w").close()
        print(f"base root made in {time.monotonic() - t0:.0f} s")
    return base


def mounts_under(root):
    real = os.path.realpath(root)
    with open("/proc/mounts") as f:
        return [line.split()[1] for line in f if line.split()[1].startswith(real + "/") or line.split()[1] == real]


def safe_rmtree(root):
    for m in sorted(mounts_under(root), reverse=True):
        subprocess.run(["umount", "-l", m])
    left = mounts_under(root)
    if left:
        raise SystemExit(f"refusing to delete {root}: still mounted {left}")
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_root(cache):
    """A writable copy of the base root: an overlay on it (a full copy where overlayfs is refused)."""
    base = base_root(cache)
    scratch = tempfile.mkdtemp(prefix="run-", dir=cache)
    root = os.path.join(scratch, "root")
    archives = os.path.join(cache, "apt-archives")
    os.makedirs(archives, exist_ok=True)
    try:
        for d in ["root", "upper", "work"]:
            os.makedirs(os.path.join(scratch, d))
        r = run(["mount", "-t", "overlay", "overlay", "-o",
                 f"lowerdir={base},upperdir={scratch}/upper,workdir={scratch}/work", root])
        if r.returncode != 0:
            run(["cp", "-a", base + "/.", root], check=True)
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
        # Packages must not start daemons in the throwaway root (prometheus' init script would).
        policy = os.path.join(root, "usr/sbin/policy-rc.d")
        with open(policy, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(policy, 0o755)
        for deb in glob.glob(os.path.join(archives, "*.deb")):
            shutil.copy(deb, os.path.join(root, "var/cache/apt/archives"))
        run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")], check=True)
        # Fresh indexes: the cached ones may name versions the mirror has since replaced.
        r = run(["chroot", root, "apt-get", "update", "-qq"], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout, r.stderr)
            raise SystemExit("apt-get update in the throwaway root failed (Debian mirror unreachable?)")
        yield root
    finally:
        for deb in glob.glob(os.path.join(root, "var/cache/apt/archives/*.deb")):
            if not os.path.exists(os.path.join(archives, os.path.basename(deb))):
                shutil.copy(deb, archives)
        safe_rmtree(scratch)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_root(root, cmd, **kw):
    return run(["chroot", root] + cmd, **kw)


def serve_and_check(c, root, fpgaasd_args, grpc_port, token=None):
    """fpgaasd started in the root with these flags answers `fpgaas health`, then drains on SIGTERM."""
    log = open(os.path.join(root, "tmp/fpgaasd.log"), "w+")
    proc = subprocess.Popen(["chroot", root] + fpgaasd_args, stdout=log, stderr=subprocess.STDOUT)
    try:
        health = ["fpgaas", "health", f"--server=127.0.0.1:{grpc_port}", "--timeout-ms=2000", "--retries=0"]
        if token:
            health.append(f"--token={token}")
        ok = False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if in_root(root, health, capture_output=True, text=True).returncode == 0:
                ok = True
                break
            time.sleep(0.5)
        c.expect(ok, "fpgaas health never answered 0")
        if token:
            r = in_root(root, health[:-1], capture_output=True, text=True)
            c.expect(r.returncode != 0, "fpgaas health without the token must fail")
            print(r.stdout.strip(), r.stderr.strip())
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                c.expect(proc.wait(timeout=40) == 0, "fpgaasd did not exit 0 on SIGTERM")
            except subprocess.TimeoutExpired:
                proc.kill()
                c.expect(False, "fpgaasd did not stop within 40 s of SIGTERM")
        else:
            c.expect(False, f"fpgaasd exited early with {proc.returncode}")
        log.seek(0)
        print("fpgaasd log:\n" + log.read()[-3000:])
        log.close()


def need_root_tools():
    if os.geteuid() != 0:
        skip("needs root (chroot, mount)")
    need("debootstrap", "chroot", "tar")


def cmd_deb(args):
    need_root_tools()
    c = Checker()
    with throwaway_root(args.cache_dir) as root:
        shutil.copy(args.deb, os.path.join(root, "tmp/fpgaas.deb"))
        r = in_root(root, ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                           "--no-install-recommends", "/tmp/fpgaas.deb"], capture_output=True, text=True)
        print(r.stdout[-3000:], r.stderr[-3000:])
        if not c.expect(r.returncode == 0, "apt-get install fpgaas.deb failed"):
            return c.finish("Debian package")
        r = in_root(root, ["fpgaasd", "--help"], capture_output=True, text=True)
        c.expect("fpgaasd --model-repository=" in r.stdout + r.stderr, f"fpgaasd --help: {r.stdout}{r.stderr}")
        r = in_root(root, ["fpgaasd", "--helpfull"], capture_output=True, text=True)
        c.expect("--grpc_port" in r.stdout, "fpgaasd --helpfull lists no --grpc_port")
        for f in ["usr/bin/fpgaasd", "usr/bin/fpgaas", "usr/bin/fpgaas-perf",
                  "usr/lib/systemd/system/fpgaasd.service", "usr/share/doc/fpgaas/deployment.md",
                  "usr/share/fpgaas/systemd/fpga-card.conf", "usr/share/fpgaas/models/muon_pt/config.pbtxt",
                  "etc/default/fpgaasd"]:
            c.expect(os.path.exists(os.path.join(root, f)), f"/{f} missing after install")
        unit = open(os.path.join(root, "usr/lib/systemd/system/fpgaasd.service")).read()
        c.expect("ExecStart=/usr/bin/fpgaasd $FPGAAS_ARGS" in unit, "the packaged unit must run /usr/bin/fpgaasd")
        c.expect("Documentation=file:/usr/share/doc/fpgaas/deployment.md" in unit,
                 "the packaged unit's Documentation= must name the packaged guide")
        port = free_port()
        serve_and_check(c, root, ["fpgaasd", "--model-repository=/usr/share/fpgaas/models", "--device=emu",
                                  "--grpc-address=127.0.0.1", f"--grpc-port={port}", "--metrics-port=0"], port)
        r = in_root(root, ["dpkg", "--purge", "fpgaas"], capture_output=True, text=True)
        c.expect(r.returncode == 0, f"dpkg --purge: {r.stderr}")
        c.expect(not os.path.exists(os.path.join(root, "etc/default/fpgaasd")), "purge left /etc/default/fpgaasd")
        c.expect(not os.path.exists(os.path.join(root, "usr/bin/fpgaasd")), "purge left /usr/bin/fpgaasd")
    return c.finish("Debian package")


def ansible_recap(output):
    m = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    return tuple(int(x) for x in m.groups()) if m else None


def cmd_role(args):
    need_root_tools()
    need("ansible-playbook")
    c = Checker()
    src = args.source_root
    token = "catalogue-test-token"
    grpc_port, metrics_port = free_port(), free_port()
    with throwaway_root(args.cache_dir) as root:
        # The model repository from a URL (a file: URL inside the root, fetched by get_url).
        with tarfile.open(os.path.join(root, "tmp/models.tar.gz"), "w:gz") as tar:
            for model in ["muon_pt", "iris"]:
                tar.add(os.path.join(src, "deploy/models", model), arcname=model)
        inventory = os.path.join(root, "tmp/inventory.json")
        json.dump({"all": {"hosts": {root: {
            "ansible_connection": "community.general.chroot",
            "ansible_python_interpreter": "/usr/bin/python3",
            "fpgaasd_deb_src": os.path.abspath(args.deb),
            "fpgaasd_model_repository_source": "url",
            "fpgaasd_model_repository_url": "file:///tmp/models.tar.gz",
            "fpgaasd_grpc_port": grpc_port,
            "fpgaasd_metrics_port": metrics_port,
            "fpgaasd_auth_token": token,
            "fpgaasd_extra_args": "--grpc-address=127.0.0.1",
            # Prometheus from Debian; Grafana's own repository is out of CI's reach.
            "fpgaasd_monitoring": True,
            "fpgaasd_grafana": False,
        }}}}, open(inventory, "w"))
        env = dict(os.environ, ANSIBLE_ROLES_PATH=os.path.join(src, "deploy/ansible/roles"),
                   ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_PIPELINING="1", ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_LOCAL_TEMP=os.path.join(root, "tmp/ansible-local"), ANSIBLE_RETRY_FILES_ENABLED="0",
                   HOME=os.path.join(root, "tmp"))
        recaps = []
        for attempt in ["first", "second"]:
            t0 = time.monotonic()
            r = run(["ansible-playbook", "-i", inventory, os.path.join(src, "deploy/ansible/playbook.yml")],
                    env=env, capture_output=True, text=True)
            print(r.stdout[-6000:], r.stderr[-3000:])
            print(f"{attempt} run: {time.monotonic() - t0:.0f} s")
            recap = ansible_recap(r.stdout)
            recaps.append(recap)
            if not c.expect(r.returncode == 0 and recap, f"{attempt} ansible-playbook run failed"):
                return c.finish("Ansible role in a chroot")
        c.expect(recaps[0][1] > 0, "the first run changed nothing")
        c.expect(recaps[1][1] == 0, f"the second run changed {recaps[1][1]} task(s): the role is not idempotent")

        # What the role left: flags, secrets (root-only), the credentials drop-in, the repository.
        defaults = open(os.path.join(root, "etc/default/fpgaasd")).read()
        m = re.search(r'^FPGAAS_ARGS="([^"]*)"', defaults, re.M)
        if not c.expect(m, "/etc/default/fpgaasd has no FPGAAS_ARGS"):
            return c.finish("Ansible role in a chroot")
        flags = m.group(1).split()
        print("FPGAAS_ARGS:", flags)
        for f in [f"--grpc-port={grpc_port}", f"--metrics-port={metrics_port}", "--device=emu",
                  "--model-repository=/var/lib/fpgaas/models",
                  "--auth-token-file=/run/credentials/fpgaasd.service/token"]:
            c.expect(f in flags, f"FPGAAS_ARGS lacks {f}")
        token_file = os.path.join(root, "etc/fpgaas/token")
        c.expect(os.path.isfile(token_file) and (os.stat(token_file).st_mode & 0o077) == 0,
                 "/etc/fpgaas/token must exist, readable by root only")
        dropin = open(os.path.join(root, "etc/systemd/system/fpgaasd.service.d/credentials.conf")).read()
        creds = re.findall(r"^LoadCredential=([^:]+):(\S+)$", dropin, re.M)
        c.expect(("token", "/etc/fpgaas/token") in creds, f"credentials drop-in: {creds}")
        c.expect(os.path.isfile(os.path.join(root, "var/lib/fpgaas/models/muon_pt/config.pbtxt")),
                 "the repository archive was not unpacked into /var/lib/fpgaas/models")

        # Prometheus' configuration as the role wrote it, with the rules it names.
        r = in_root(root, ["promtool", "check", "config", "/etc/prometheus/prometheus.yml"],
                    capture_output=True, text=True)
        print(r.stdout, r.stderr)
        c.expect(r.returncode == 0 and "fpgaas-rules.yml" in r.stdout + r.stderr,
                 "promtool check config on the role's /etc/prometheus/prometheus.yml failed")
        prom = open(os.path.join(root, "etc/prometheus/prometheus.yml")).read()
        c.expect(f'"127.0.0.1:{metrics_port}"' in prom, "Prometheus does not scrape fpgaasd's metrics port")

        # systemd would start: ExecStart=/usr/bin/fpgaasd $FPGAAS_ARGS with the credentials copied
        # to /run/credentials/fpgaasd.service. Do the same by hand.
        cred_dir = os.path.join(root, "run/credentials/fpgaasd.service")
        os.makedirs(cred_dir, exist_ok=True)
        for name, source in creds:
            shutil.copy(os.path.join(root, source.lstrip("/")), os.path.join(cred_dir, name))
        unit = open(os.path.join(root, "usr/lib/systemd/system/fpgaasd.service")).read()
        exec_start = re.search(r"^ExecStart=(\S+) \$FPGAAS_ARGS$", unit, re.M).group(1)
        serve_and_check(c, root, [exec_start] + flags, grpc_port, token=token)
    return c.finish("Ansible role in a chroot")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source-root", required=True)
    p.add_argument("--cache-dir", help="where the base root and apt's downloads are kept")
    p.add_argument("--deb", help="the fpgaas .deb (deb, role)")
    p.add_argument("check", choices=["lint", "tosca", "deb", "role"])
    args = p.parse_args()
    if args.check in ("deb", "role"):
        if not args.deb or not os.path.isfile(args.deb):
            raise SystemExit(f"--deb {args.deb}: no such package (cmake --build build --target fpgaas-deb)")
        # FPGAAS_DEPLOY_CACHE: a cache kept across fresh build trees (e.g. CI on the same machine).
        args.cache_dir = os.path.abspath(os.environ.get("FPGAAS_DEPLOY_CACHE") or args.cache_dir
                                         or os.path.join(tempfile.gettempdir(), "fpgaas-catalogue"))
    return {"lint": cmd_lint, "tosca": cmd_tosca, "deb": cmd_deb, "role": cmd_role}[args.check](args)


if __name__ == "__main__":
    sys.exit(main())
