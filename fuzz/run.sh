#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a bounded time; fails on the first target that
# finds a crash, a panic, a failed property, a leak or a hang (the input is kept under
# $APST_CACHE/fuzz/artifacts/<target>/ and the command to replay it is printed).
#
#   fuzz/run.sh SECONDS RUNS [TARGET...]    (scripts/checks/15-fuzz.sh, fuzz/run-long.sh)
#
# SECONDS and RUNS bound each target (libFuzzer's -max_total_time and -runs; RUNS 0 = no
# bound). APST_FUZZ_CORPUS=keep grows a corpus under $APST_CACHE/fuzz/corpus/<target>/ from
# one run to the next (long runs); otherwise every run starts from the committed seeds
# (fuzz/corpus/<target>/) in a scratch directory. APST_FUZZ_PARALLEL=2 runs two targets at a
# time (each one process, one worker).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
secs=${1:?seconds per target}
runs=${2:?runs per target (0 = no bound)}
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(envelope error_mapping rate_limit webhook disposition records ffi_json ffi_webhook)
fi
parallel=${APST_FUZZ_PARALLEL:-1}
[ "$runs" = 0 ] && runs=-1 # libFuzzer: -1 = no bound

# cargo-fuzz needs nightly-only rustc flags (-Zsanitizer=address, -Cpasses=sancov-module with
# -Z options). The machine has only a stable toolchain and none other can be fetched, so the
# stable compiler is told to accept them (RUSTC_BOOTSTRAP=1) for this build only; nothing
# else in the project is built this way.
export RUSTC_BOOTSTRAP=1
fuzz_target_dir="$APST_CACHE/fuzz-target"
bin_dir="$fuzz_target_dir/x86_64-unknown-linux-gnu/release"
work="$APST_CACHE/fuzz"
mkdir -p "$work"
# Release with debug assertions and overflow checks (-a), AddressSanitizer (cargo-fuzz's
# default), 2 jobs at most.
(cd fuzz && CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2} cargo fuzz build -O -a --target-dir "$fuzz_target_dir")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/apst-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

run_one() {
  local t=$1 corpus
  if [ "${APST_FUZZ_CORPUS:-}" = keep ]; then
    corpus="$work/corpus/$t"
  else
    corpus="$scratch/corpus/$t"
  fi
  mkdir -p "$corpus" "$work/artifacts/$t"
  local log="$scratch/$t.log"
  local start=$SECONDS rc=0 dict
  case $t in
    error_mapping | rate_limit) dict=http ;;
    disposition) dict=disposition ;;
    *) dict=json ;;
  esac
  # The first corpus directory receives new inputs; the committed seeds are only read.
  "$bin_dir/$t" "$corpus" "fuzz/corpus/$t" \
    -max_total_time="$secs" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
    -dict="fuzz/dict/$dict.dict" -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" >"$log" 2>&1 || rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  local cov
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  if [ $rc -ne 0 ]; then
    echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions:"
    grep -E -A25 '^(==[0-9]+==|thread .* panicked|.*ERROR: libFuzzer|SUMMARY)' "$log" | head -60 || tail -40 "$log"
    local art
    art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    if [ -n "$art" ]; then
      echo "fuzz $t: input kept in $art; replay: RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a $t $art (in fuzz/)"
    fi
    return 1
  fi
  echo "fuzz $t: ${execs:-?} executions in $((SECONDS - start)) s, 0 crashes (${cov:-no coverage line}; corpus $(ls "$corpus" | wc -l) + $(ls "fuzz/corpus/$t" | wc -l) seeds)"
}

failed=0
passed=0
if [ "$parallel" -gt 1 ]; then
  i=0
  while [ $i -lt ${#targets[@]} ]; do
    pids=()
    for t in "${targets[@]:$i:$parallel}"; do
      (run_one "$t" >"$scratch/$t.out" 2>&1) &
      pids+=("$!:$t")
    done
    for p in "${pids[@]}"; do
      if wait "${p%%:*}"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
      cat "$scratch/${p#*:}.out"
    done
    i=$((i + parallel))
  done
else
  for t in "${targets[@]}"; do
    if run_one "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
fi
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
