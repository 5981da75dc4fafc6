#!/bin/sh
# Runs a guest under softkvm; passes only if the exit status and the output both match.
# usage: run_guest.sh EXPECTED_STATUS EXPECTED_OUTPUT_REGEX -- command [args...]
# The regex (grep -E) is matched against stdout and stderr together.

if [ "$#" -lt 4 ] || [ "$3" != "--" ]; then
    echo "usage: $0 EXPECTED_STATUS EXPECTED_OUTPUT_REGEX -- command [args...]" >&2
    exit 2
fi
want_status=$1
want_regex=$2
shift 3

out=$(mktemp "${TMPDIR:-/tmp}/run_guest.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT INT TERM

"$@" >"$out" 2>&1
status=$?

fail=
if [ "$status" -ne "$want_status" ]; then
    fail="exit status $status, expected $want_status"
fi
if ! grep -E -q -e "$want_regex" "$out"; then
    fail="${fail:+$fail; }output does not match /$want_regex/"
fi

if [ -n "$fail" ]; then
    echo "FAILED: $fail"
    echo "command: $*"
    echo "---- output ----"
    cat "$out"
    echo "----------------"
    exit 1
fi
cat "$out"
exit 0
