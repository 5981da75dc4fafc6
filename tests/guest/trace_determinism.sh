#!/bin/sh
# Runs a guest twice with --trace and passes only if both runs succeed (status 0), print the same
# output and write byte-identical traces that show more than one vCPU at work.
# usage: trace_determinism.sh SOFTKVM KERNEL [softkvm run options...]
# Environment: TRACE_RUN2_ENV=VAR=VALUE runs the second run with that variable set (e.g.
# SOFTKVM_ENGINE_API_ONLY=1: the register fast path must not change the trace);
# TRACE_ONE_VCPU=1 drops the "more than one vCPU" requirement.

if [ "$#" -lt 2 ]; then
    echo "usage: $0 SOFTKVM KERNEL [softkvm run options...]" >&2
    exit 2
fi
softkvm=$1
kernel=$2
shift 2

dir=$(mktemp -d "${TMPDIR:-/tmp}/trace_determinism.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT INT TERM

fail=
for run in 1 2; do
    if [ "$run" = 2 ] && [ -n "${TRACE_RUN2_ENV:-}" ]; then
        env "$TRACE_RUN2_ENV" "$softkvm" run --trace "$dir/trace$run" "$@" "$kernel" \
            >"$dir/out$run" 2>&1
    else
        "$softkvm" run --trace "$dir/trace$run" "$@" "$kernel" >"$dir/out$run" 2>&1
    fi
    status=$?
    if [ "$status" -ne 0 ]; then
        fail="${fail:+$fail; }run $run ended with status $status"
    fi
done
if [ -z "$fail" ]; then
    if ! cmp -s "$dir/trace1" "$dir/trace2"; then
        fail="the traces differ: $(cmp "$dir/trace1" "$dir/trace2" 2>&1 | head -1)"
        diff "$dir/trace1" "$dir/trace2" | head -10
    fi
    if ! cmp -s "$dir/out1" "$dir/out2"; then
        fail="${fail:+$fail; }the console output differs"
    fi
    if [ "${TRACE_ONE_VCPU:-0}" != 1 ] && ! grep -q '"vcpu":1,' "$dir/trace1"; then
        fail="${fail:+$fail; }the trace has no record of vCPU 1"
    fi
fi
records=$(wc -l <"$dir/trace1" 2>/dev/null || echo 0)
if [ -n "$fail" ]; then
    echo "FAILED: $fail"
    echo "command: $softkvm run --trace FILE $* $kernel"
    echo "---- output of run 1 ----"
    cat "$dir/out1"
    exit 1
fi
cat "$dir/out1"
echo "deterministic: 2 runs${TRACE_RUN2_ENV:+ (the second with $TRACE_RUN2_ENV)}, identical traces of $records records"
exit 0
