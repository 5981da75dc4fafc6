#!/bin/sh
# CLI tests of the softkvm command: exit statuses, one-line stderr messages, runs and traces.
#
#   cli_test.sh --list                              print the case names
#   cli_test.sh SOFTKVM FIXTURES WORKDIR [CASE...]  run the cases (all when none is named)
#
# FIXTURES holds the kernels CMake built (tiny.S, mkelf.py). Prints one line per case and
# 'N passed, N failed[, N skipped]'; exits 1 if any case failed, 77 if every case run was
# skipped (CTest's SKIP_RETURN_CODE), else 0. SOFTKVM_SANITIZE=1 marks an ASan build.
set -u

CASES="help version no_command unknown_command unknown_option m_abc m_zero m_too_big m_too_small
m_missing m_bounds cpu_vendor_foo no_kernel extra_argument trace_no_file trace_uncreatable m_space x86_cpu_model empty_file not_elf
truncated_elf aarch64_elf arm_elf i386_elf et_dyn phdrs_past_end outside_ram
overlapping_segments boot_area missing_file directory unreadable_file ram_too_large run_ok
guest_status amd_vendor amd_no_patching trace_json trace_deterministic gdb_bad_address
gdb_bad_port gdb_bad_host gdb_wait_alone gdb_port_in_use report_usage"

if [ "${1:-}" = "--list" ]; then
    for c in $CASES; do echo "$c"; done
    exit 0
fi
if [ $# -lt 3 ]; then
    echo "usage: cli_test.sh --list | SOFTKVM FIXTURES WORKDIR [CASE...]" >&2
    exit 2
fi
SOFTKVM=$1
FIX=$2
WORK=$3
shift 3
[ $# -gt 0 ] || set -- $CASES

OUT= # stdout and stderr files of the case being run
ERR=
WHY= # why the current case failed (empty: passed so far)

# Record a failure of the current case (the first reason is kept).
bad() {
    [ -n "$WHY" ] || WHY=$1
}

# Run the command with no stdin, stdout/stderr to files; sets ST to its exit status.
run() {
    "$@" </dev/null >"$OUT" 2>"$ERR"
    ST=$?
}

# Show what the failing command printed (first lines only).
show_output() {
    echo "    stdout: $(head -c 300 "$OUT" | tr '\n' '|')"
    echo "    stderr: $(head -c 600 "$ERR" | tr '\n' '|')"
}

# expect_error STATUS SUBSTRING CMD...: CMD exits STATUS, prints nothing on stdout and exactly
# one line on stderr, "softkvm: ..." containing SUBSTRING.
expect_error() {
    want=$1 sub=$2
    shift 2
    run "$@"
    [ "$ST" -eq "$want" ] || bad "exit status $ST, expected $want"
    lines=$(wc -l <"$ERR")
    [ "$lines" -eq 1 ] || bad "stderr has $lines lines, expected 1"
    case $(head -n 1 "$ERR") in
    "softkvm: "*) ;;
    *) bad "stderr does not start with 'softkvm: '" ;;
    esac
    grep -qF -- "$sub" "$ERR" || bad "stderr lacks '$sub'"
    [ ! -s "$OUT" ] || bad "stdout is not empty"
}

# expect_ok STATUS SUBSTRING CMD...: CMD exits STATUS, stdout contains SUBSTRING, stderr empty.
expect_ok() {
    want=$1 sub=$2
    shift 2
    run "$@"
    [ "$ST" -eq "$want" ] || bad "exit status $ST, expected $want"
    grep -qF -- "$sub" "$OUT" || bad "stdout lacks '$sub'"
    [ ! -s "$ERR" ] || bad "stderr is not empty"
}

# The gdb stub's options and softkvm report's usage.
case_gdb_bad_address() {
    expect_error 64 "--gdb takes tcp:[HOST]:PORT" "$SOFTKVM" run --gdb udp:1234 "$FIX/ok.elf"
}
case_gdb_bad_port() {
    expect_error 64 "the port must be a number" "$SOFTKVM" run --gdb tcp::99999 "$FIX/ok.elf"
}
case_gdb_bad_host() {
    expect_error 64 "is not an IPv4 address" "$SOFTKVM" run --gdb tcp:300.1.1.1:0 "$FIX/ok.elf"
}
case_gdb_wait_alone() { expect_error 64 "-S waits for gdb" "$SOFTKVM" run -S "$FIX/ok.elf"; }
case_gdb_port_in_use() {
    # A listener of our own on a free port; the stub must refuse that port with status 73.
    python3 - "$SOFTKVM" "$FIX/ok.elf" >"$WORK/inuse.out" 2>&1 <<'PY'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
p = subprocess.run([sys.argv[1], "run", "--gdb", "tcp::%d" % port, sys.argv[2]],
                   capture_output=True, text=True, timeout=30)
assert p.returncode == 73, "status %d" % p.returncode
assert p.stderr.count("\n") == 1 and "cannot listen on 127.0.0.1:%d" % port in p.stderr, p.stderr
PY
    [ $? -eq 0 ] || bad "port in use: $(tail -n 1 "$WORK/inuse.out")"
}
case_report_usage() {
    expect_error 64 "no TRACE given" "$SOFTKVM" report
    expect_error 64 "unknown report option '--bogus'" "$SOFTKVM" report --bogus t.jsonl
    expect_error 64 "--vcpu needs a vCPU number" "$SOFTKVM" report --vcpu x t.jsonl
}

# Usage errors (64).
case_help() {
    expect_ok 0 "usage: softkvm run" "$SOFTKVM" --help
    grep -qF -- "--trace FILE" "$OUT" || bad "usage lacks --trace"
    expect_ok 0 "usage: softkvm run" "$SOFTKVM" run --help
}
case_version() {
    expect_ok 0 "softkvm" "$SOFTKVM" --version
    grep -Eq '^softkvm [0-9]+\.[0-9]+\.[0-9]+' "$OUT" || bad "version line is not 'softkvm X.Y.Z'"
}
case_no_command() { expect_error 64 "no command given" "$SOFTKVM"; }
case_unknown_command() { expect_error 64 "unknown command 'frobnicate'" "$SOFTKVM" frobnicate; }
case_unknown_option() {
    expect_error 64 "unknown option '--bogus'" "$SOFTKVM" run --bogus "$FIX/ok.elf"
}
case_m_abc() { expect_error 64 "-m needs a whole number" "$SOFTKVM" run -m abc "$FIX/ok.elf"; }
case_m_zero() { expect_error 64 "must be 2-16777216 MiB" "$SOFTKVM" run -m 0 "$FIX/ok.elf"; }
case_m_too_big() {
    expect_error 64 "must be 2-16777216 MiB" "$SOFTKVM" run -m 16777217 "$FIX/ok.elf"
}
case_m_too_small() { expect_error 64 "must be 2-16777216 MiB" "$SOFTKVM" run -m 1 "$FIX/ok.elf"; }
case_m_bounds() {
    # The ends of the documented range run; one past either end does not.
    expect_ok 0 "k" "$SOFTKVM" run -m 2 "$FIX/ok.elf"
    expect_ok 0 "k" "$SOFTKVM" run -m 3072 "$FIX/ok.elf"
    expect_ok 0 "k" "$SOFTKVM" run -m 3073 "$FIX/ok.elf" # the last MiB goes above 4 GiB
    expect_error 64 "must be 2-16777216 MiB" "$SOFTKVM" run -m 16777217 "$FIX/ok.elf"
}
case_m_missing() { expect_error 64 "-m needs a whole number" "$SOFTKVM" run -m; }
case_cpu_vendor_foo() {
    expect_error 64 "--cpu-vendor takes 'intel' or 'amd'" "$SOFTKVM" run --cpu-vendor foo \
        "$FIX/ok.elf"
}
case_no_kernel() { expect_error 64 "no KERNEL given" "$SOFTKVM" run; }
case_extra_argument() {
    expect_error 64 "unexpected argument 'extra'" "$SOFTKVM" run "$FIX/ok.elf" extra
}
case_trace_no_file() { expect_error 64 "--trace needs a file name" "$SOFTKVM" run --trace; }
case_trace_uncreatable() {
    expect_error 73 "cannot create trace file" "$SOFTKVM" run --trace /nonexistent/dir/t.jsonl \
        "$FIX/ok.elf"
}
case_x86_cpu_model() {
    expect_error 64 "--cpu is not an x86-64 option" "$SOFTKVM" run --cpu 7457a "$FIX/ok.elf"
}
case_m_space() { expect_error 64 "-m needs a whole number" "$SOFTKVM" run -m " 16" "$FIX/ok.elf"; }

# Unusable kernels (65).
case_empty_file() {
    : >"$WORK/empty.elf"
    expect_error 65 "not an ELF file and no multiboot header: softkvm boots ELF kernels (native or PVH) and multiboot v1 kernels" "$SOFTKVM" run "$WORK/empty.elf"
}
case_not_elf() {
    expect_error 65 "not an ELF file and no multiboot header" "$SOFTKVM" run "$FIX/text.txt"
}
case_truncated_elf() { expect_error 65 "truncated ELF" "$SOFTKVM" run "$FIX/truncated.elf"; }
case_aarch64_elf() {
    expect_error 65 "AArch64 (machine 183, 64-bit, little-endian) is not supported" \
        "$SOFTKVM" run "$FIX/aarch64.elf"
}
case_arm_elf() {
    expect_error 65 "(machine 40, 32-bit, little-endian) is not supported" \
        "$SOFTKVM" run "$FIX/arm.elf"
}
case_i386_elf() {
    expect_error 65 "(machine 3, 32-bit, little-endian) is not supported" \
        "$SOFTKVM" run "$FIX/i386.elf"
}
case_et_dyn() { expect_error 65 "not an executable" "$SOFTKVM" run "$FIX/dyn.elf"; }
case_phdrs_past_end() {
    expect_error 65 "program headers end past the end" "$SOFTKVM" run "$FIX/phdrs_past_end.elf"
}
case_outside_ram() {
    expect_error 65 "outside guest RAM (16 MiB)" "$SOFTKVM" run -m 16 "$FIX/high.elf"
    # The same kernel fits in 512 MiB.
    expect_ok 0 "k" "$SOFTKVM" run -m 512 "$FIX/high.elf"
}
case_overlapping_segments() {
    expect_error 65 "ELF segments at 0x100000 and 0x100800 overlap" \
        "$SOFTKVM" run "$FIX/overlap.elf"
}
case_boot_area() { expect_error 65 "boot area" "$SOFTKVM" run "$FIX/boot.elf"; }

# Kernel file cannot be opened or read (66).
case_missing_file() {
    expect_error 66 "cannot open kernel" "$SOFTKVM" run "$WORK/no-such-kernel.elf"
    grep -qF "No such file" "$ERR" || bad "stderr lacks the system's reason"
}
case_directory() { expect_error 66 "not a regular file" "$SOFTKVM" run "$FIX"; }
case_unreadable_file() {
    if [ "$(id -u)" -eq 0 ]; then
        SKIP="root reads files whatever their mode"
        return
    fi
    cp "$FIX/ok.elf" "$WORK/unreadable.elf"
    chmod 000 "$WORK/unreadable.elf"
    expect_error 66 "cannot open kernel" "$SOFTKVM" run "$WORK/unreadable.elf"
    grep -qF "Permission denied" "$ERR" || bad "stderr lacks the system's reason"
}

# The host cannot provide the RAM (71).
case_ram_too_large() {
    if [ "${SOFTKVM_SANITIZE:-0}" = 1 ]; then
        SKIP="ASan reserves terabytes of address space: ulimit -v cannot be used"
        return
    fi
    expect_error 71 "cannot allocate 3000 MiB of guest RAM" \
        sh -c 'ulimit -v 400000 && exec "$0" run -m 3000 "$1"' "$SOFTKVM" "$FIX/ok.elf"
    if grep -qF "ReserveShadowMemoryRange failed" "$ERR"; then
        WHY= # a sanitizer build that SOFTKVM_SANITIZE did not announce
        SKIP="ASan cannot start under ulimit -v"
    fi
}

# Guests that run.
case_run_ok() {
    run "$SOFTKVM" run "$FIX/ok.elf"
    [ "$ST" -eq 0 ] || bad "exit status $ST, expected 0"
    [ "$(cat "$OUT")" = "k" ] || bad "stdout is not the guest's 'k'"
    [ ! -s "$ERR" ] || bad "stderr is not empty"
}
case_guest_status() {
    run "$SOFTKVM" run "$FIX/status42.elf"
    [ "$ST" -eq 42 ] || bad "exit status $ST, expected the guest's 42"
    [ "$(cat "$OUT")" = "k" ] || bad "stdout is not the guest's 'k'"
}
case_amd_vendor() {
    # VMCALL is the foreign instruction on AMD: patched to VMMCALL, the guest runs to the end.
    expect_ok 0 "k" "$SOFTKVM" run --cpu-vendor amd "$FIX/ok.elf"
}
case_amd_no_patching() {
    # Without patching the foreign VMCALL is #UD; with no IDT that is a triple fault: crash.
    run "$SOFTKVM" run --cpu-vendor amd --no-hypercall-patching "$FIX/ok.elf"
    [ "$ST" -eq 80 ] || bad "exit status $ST, expected 80"
    grep -qF "softkvm: guest crashed" "$ERR" || bad "stderr lacks 'softkvm: guest crashed'"
    [ ! -s "$OUT" ] || bad "stdout is not empty: the guest ran past the VMCALL"
}

# Check that FILE is JSON lines: one object per line with seq 1, 2, ... and the common keys,
# and that it has the tiny guest's hypercall.
check_trace() {
    python3 - "$1" <<'PY' >"$WORK/check.out" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs, "empty trace"
for i, r in enumerate(recs):
    assert isinstance(r, dict), "line %d is not an object" % (i + 1)
    for k in ("seq", "vcpu", "exit", "pc"):
        assert k in r, "line %d lacks %s" % (i + 1, k)
    assert r["seq"] == i + 1, "line %d has seq %r" % (i + 1, r["seq"])
hc = [r for r in recs if r["exit"] == "hypercall"]
assert hc and hc[0]["nr"] == 1 and hc[0]["ret"] == 0, "no KVM_HC_VAPIC_POLL_IRQ record"
PY
    [ $? -eq 0 ] || bad "trace check: $(tail -n 1 "$WORK/check.out")"
}
case_trace_json() {
    expect_ok 0 "k" "$SOFTKVM" run --trace "$WORK/trace.jsonl" "$FIX/ok.elf"
    [ -s "$WORK/trace.jsonl" ] || bad "trace file is missing or empty"
    [ -z "$WHY" ] && check_trace "$WORK/trace.jsonl"
}
case_trace_deterministic() {
    expect_ok 0 "k" "$SOFTKVM" run --trace "$WORK/t1.jsonl" "$FIX/ok.elf"
    expect_ok 0 "k" "$SOFTKVM" run --trace "$WORK/t2.jsonl" "$FIX/ok.elf"
    [ -s "$WORK/t1.jsonl" ] || bad "trace file is missing or empty"
    cmp -s "$WORK/t1.jsonl" "$WORK/t2.jsonl" || bad "the two traces differ"
}

passed=0 failed=0 skipped=0
ROOT=$WORK
for c in "$@"; do
    case " $(echo $CASES) " in
    *" $c "*) ;;
    *)
        echo "FAIL $c: no such case"
        failed=$((failed + 1))
        continue
        ;;
    esac
    WORK=$ROOT/$c
    rm -rf "$WORK"
    mkdir -p "$WORK"
    OUT=$WORK/stdout
    ERR=$WORK/stderr
    : >"$OUT"
    : >"$ERR"
    WHY=
    SKIP=
    "case_$c"
    if [ -n "$WHY" ]; then
        echo "FAIL $c: $WHY"
        show_output
        failed=$((failed + 1))
    elif [ -n "$SKIP" ]; then
        echo "SKIP $c: $SKIP"
        skipped=$((skipped + 1))
    else
        echo "ok   $c"
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || exit 1
[ "$passed" -gt 0 ] || exit 77
exit 0
