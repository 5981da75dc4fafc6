#!/bin/sh
# make fuzz: build the libFuzzer targets (build/fuzz, clang, ASan+UBSan) and run each one for
# FUZZ_SECONDS (default 60) from its seed corpus, printing one line per target:
#   fuzz target=<name> execs=<n> seconds=<s> execs_per_s=<n> crashes=<n>
# FUZZ_TARGETS="a b" runs only those. New inputs go to build/fuzz/corpus/<name> (not the repo);
# a crash is saved as build/fuzz/crashes/<name>/crash-*: fix it and copy the input into
# tests/fuzz/corpus/<name>/ so that make test replays it. Exit 1 if any target crashed.
set -u
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-2}
B=build/fuzz
SEEDS=tests/fuzz/corpus
command -v clang >/dev/null || { echo "fuzz: clang is missing: run 'make setup'" >&2; exit 1; }
CC=clang cmake -S . -B $B -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOFTKVM_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang >/dev/null || exit 1
cmake --build $B -j"$JOBS" >$B/build.log 2>&1 || { tail -30 $B/build.log; exit 1; }
targets=${FUZZ_TARGETS:-$(cat $B/fuzz_targets.txt)}
failed=0
for t in $targets; do
    mkdir -p $B/corpus/$t $B/crashes/$t $B/logs
    before=$(ls $B/crashes/$t | wc -l)
    # -rss_limit_mb: ASan's shadow plus an engine per run; leaks are reported as crashes.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        $B/tests/fuzz/fuzz_$t -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        -rss_limit_mb=4096 -timeout=10 -artifact_prefix=$B/crashes/$t/ \
        $B/corpus/$t $SEEDS/$t >$B/logs/$t.log 2>&1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' $B/logs/$t.log | tail -n 1)
    secs=$(sed -n 's/^stat::.*//; s/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' \
        $B/logs/$t.log | tail -n 1)
    [ -n "$secs" ] || secs=$FUZZ_SECONDS
    [ -n "$execs" ] || execs=0
    crashes=$(($(ls $B/crashes/$t | wc -l) - before))
    [ "$secs" -gt 0 ] && rate=$((execs / secs)) || rate=$execs
    echo "fuzz target=$t execs=$execs seconds=$secs execs_per_s=$rate crashes=$crashes"
    [ "$crashes" -eq 0 ] || { failed=1; grep -m 3 -E "ERROR|SUMMARY|fuzz check" $B/logs/$t.log; }
done
exit $failed
