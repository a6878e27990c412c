#!/usr/bin/env bash
# Checks the server's lock annotations (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED, ...) with
# clang's -Wthread-safety analysis, as errors. GCC ignores the annotations, so the normal build
# does not check them. Cheap: every server/ translation unit of the build's
# compile_commands.json is parsed once (-fsyntax-only, no code generation, no second build tree);
# needs a configured and built ${FPGAAS_BUILD_DIR:-build} (for the generated protobuf headers).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FPGAAS_BUILD_DIR:-build}
clangxx=${CLANGXX:-clang++}
command -v "$clangxx" >/dev/null || { echo "check-thread-safety: $clangxx not found (apt-get install clang)" >&2; exit 1; }
[ -f "$build_dir/compile_commands.json" ] || { echo "check-thread-safety: no $build_dir/compile_commands.json" >&2; exit 1; }


exec python3 - "$build_dir/compile_commands.json" "$PWD" "$clangxx" <<'PY'
import concurrent.futures, json, os, shlex, subprocess, sys
commands, root, clangxx = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
checks = ["-fsyntax-only", "-Wthread-safety", "-Wthread-safety-beta",
          "-Werror=thread-safety", "-Werror=thread-safety-beta"]

def clang_command(entry):
    """The build's compile line for entry, as a syntax-only clang run with the checks."""
    source, args, kept, skip = entry["file"], shlex.split(entry["command"])[1:], [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "-c"):
            skip = arg == "-o"
        elif not arg.startswith("-O") and arg != source:
            kept.append(arg)
    return [clangxx, *kept, *checks, source]

def check(entry):
    run = subprocess.run(clang_command(entry), cwd=entry["directory"], capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr

server = [e for e in commands if e["file"].startswith(root + "/server/")]
failed = 0
with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
    for code, output in pool.map(check, server):
        sys.stderr.write(output)
        failed += code != 0
if failed:
    sys.exit(f"check-thread-safety: lock annotation errors in {failed} translation units (above)")
print(f"check-thread-safety: {len(server)} server translation units clean")
PY
