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

python3 - "$build_dir/compile_commands.json" "$PWD" >"$build_dir/thread_safety_commands.txt" <<'PY'
import json, shlex, sys
commands, root = json.load(open(sys.argv[1])), sys.argv[2]
for entry in commands:
    source = entry["file"]
    if not source.startswith(root + "/server/"):
        continue
    args = shlex.split(entry["command"])[1:]
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-c"):
            skip = arg == "-o"
            continue
        if arg.startswith("-O") or arg == source:
            continue
        kept.append(arg)
    print(entry["directory"] + "\t" + source + "\t" + shlex.join(kept))
PY

failed=0
while IFS=$'\t' read -r dir source flags; do
  eval "set -- $flags"
  if ! (cd "$dir" && "$clangxx" "$@" -fsyntax-only -Wthread-safety -Wthread-safety-beta \
          -Werror=thread-safety -Werror=thread-safety-beta "$source"); then
    failed=1
  fi
done <"$build_dir/thread_safety_commands.txt"
count=$(wc -l <"$build_dir/thread_safety_commands.txt")
if [ "$failed" -ne 0 ]; then
  echo "check-thread-safety: lock annotation errors (above)" >&2
  exit 1
fi
echo "check-thread-safety: $count server translation units clean"
