#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60), starting
# from the seeds in fuzz/corpus/<name> and keeping what it finds in build/fuzz/corpus/<name>.
# A crash stops the script with the fuzzer's report and a non-zero exit. Running it again resumes from both corpora.
# Usage: bash scripts/fuzz.sh [SECONDS [TARGET...]]   (targets: response decompress cookie cache html url page_urls error_message document locust_message h2; default all)
#        bash scripts/fuzz.sh minimize [TARGET...]   merges what the runs found into fuzz/corpus/<name>, keeping the
#        smallest set of inputs that covers as much (libFuzzer's -merge=1), to be committed.
set -euo pipefail
cd "$(dirname "$0")/.."
all_targets=(response decompress cookie cache html url page_urls error_message document locust_message h2)
max_len_of() { if [ "$1" = document ]; then echo 1048576; else echo 65536; fi; }  # document: whole pages
# ASan keeps every distinct allocation stack it sees, for good: the Locust message reader recurses, and nearly
# every new nesting shape is a new stack, so its stack depot grew by about 0.5 KB an input (2.1 GB after 10
# minutes, with 26 MB live). Ten frames of allocation stack still name the call site and keep the depot bounded.
asan_options_of() { if [ "$1" = locust_message ]; then echo "malloc_context_size=10"; fi; }

if [ "${1:-}" = minimize ]; then
  shift
  targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
  for name in "${targets[@]}"; do
    [ -x build/fuzz/bin/fuzz_"$name" ] || { echo "fuzz.sh: no target '$name' (build it first)" >&2; exit 2; }
    merged="build/fuzz/merged/$name"
    rm -rf "$merged" && mkdir -p "$merged" build/fuzz/corpus/"$name"
    before=$(find fuzz/corpus/"$name" -type f | wc -l)
    ASAN_OPTIONS="$(asan_options_of "$name")" build/fuzz/bin/fuzz_"$name" -merge=1 -timeout=60 -rss_limit_mb=1536 -max_len="$(max_len_of "$name")" \
      "$merged" fuzz/corpus/"$name" build/fuzz/corpus/"$name" > build/fuzz/merge-"$name".log 2>&1 \
      || { tail -n 30 build/fuzz/merge-"$name".log >&2; exit 1; }
    rm -rf fuzz/corpus/"$name" && mv "$merged" fuzz/corpus/"$name"
    echo "fuzz_$name: corpus $before -> $(find fuzz/corpus/"$name" -type f | wc -l) inputs"
  done
  exit 0
fi

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if [ -z "${FUZZ_NO_BUILD:-}" ]; then  # FUZZ_NO_BUILD=1: several runs side by side on the targets built already
  bash scripts/setup.sh >/dev/null
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)"
fi

# Reports with function names and lines (Debian's llvm, from setup.sh's test group).
[ -x /usr/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer
mkdir -p build/fuzz/logs
for name in "${targets[@]}"; do
  [ -x build/fuzz/bin/fuzz_"$name" ] || { echo "fuzz.sh: no target '$name'" >&2; exit 2; }
  corpus="build/fuzz/corpus/$name"
  log="build/fuzz/logs/$name.log"
  mkdir -p "$corpus"
  # -timeout: an input that takes 10 s is a hang, a finding (FUZZ_TIMEOUT=60 for a run niced under other work:
  # a starved fuzzer reports slow inputs that are not).
  # -rss_limit_mb: the decoders' caps must keep memory bounded; a bomb that passes them is a finding.
  # Crash inputs land in build/fuzz/ (-artifact_prefix).
  max_len=$(max_len_of "$name")  # document: whole pages, the bounds on depth and elements are what it tests
  if ! ASAN_OPTIONS="$(asan_options_of "$name")" build/fuzz/bin/fuzz_"$name" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=1536 -max_len="$max_len" -print_final_stats=1 \
      -artifact_prefix=build/fuzz/ "$corpus" "fuzz/corpus/$name" > "$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz_$name found a problem (log: $log; input: build/fuzz/crash-* / leak-* / oom-*)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  echo "fuzz_$name: ${seconds}s, ${runs} inputs, ${cov:-?} coverage points, ${added} new in the corpus, no finding"
done
