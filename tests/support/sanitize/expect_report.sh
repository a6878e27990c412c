#!/usr/bin/env bash
# expect_report.sh <regex> <command...>: passes when the command fails and its output has a line
# matching <regex> (the sanitizer's report).
set -uo pipefail
pattern=$1
shift
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -eq 0 ]; then
  echo "expect_report: '$*' exited 0" >&2
  exit 1
fi
grep -Eq -- "$pattern" <<<"$output" || { echo "expect_report: no line matching '$pattern'" >&2; exit 1; }
