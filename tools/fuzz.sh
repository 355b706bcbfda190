#!/usr/bin/env bash
# Fuzzes one Jazzer target of hunyuan-core for a given time, e.g.
#   tools/fuzz.sh SafetensorsFuzzTest#header 10m
# The generated corpus grows in hunyuan-core/.cifuzz-corpus/ (not committed); a crashing input is written to the
# target's committed corpus folder (src/test/resources/.../<Class>Inputs/<method>/crash-*), where `mvn test` then
# replays it. Extra arguments go to Maven. The log ends with libFuzzer's DONE line: executions and coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: tools/fuzz.sh Class#method DURATION [maven args]}
duration=${2:?usage: tools/fuzz.sh Class#method DURATION [maven args]}
shift 2
JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" exec mvn -o test -pl hunyuan-core -Dtest="$target" \
  -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true "$@"
