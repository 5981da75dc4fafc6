#!/usr/bin/env python3
"""Host faults made real: output that cannot be written, signals and --timeout during a run.

    faults.py --list                       print the case names
    faults.py SOFTKVM GUESTS WORKDIR CASE  run one case (GUESTS: the build's guests/ directory)

Exit status 0 when the case passed, 1 with the reason on stdout otherwise, 77 when a guest it
needs was not built (CTest's SKIP_RETURN_CODE)."""
import json
import os
import signal
import subprocess
import sys
import time

ARCHES = ["x86_64", "ppc", "ppc64", "s390x"]
CASES = (["trace_dev_full", "trace_dev_full_loop", "stdout_closed_pipe", "stdout_closed_pipe_loop",
          "sigint_busy", "sigterm_busy", "timeout_value"] + ["timeout_" + a for a in ARCHES])


class Fail(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Fail(why)


def run(cmd, stdout=subprocess.PIPE, timeout=60):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, (p.stdout or b"").decode(errors="replace"), p.stderr.decode(errors="replace")


def one_line_error(err, sub):
    lines = err.splitlines()
    check(len(lines) == 1, "stderr has %d lines, expected 1: %r" % (len(lines), err[:300]))
    check(lines[0].startswith("softkvm: ") and sub in lines[0],
          "stderr %r lacks %r" % (lines[0], sub))


def check_trace(path, min_records=1):
    """The trace is JSON Lines: every line a complete object, seq 1, 2, ..., ending in '\\n'."""
    data = open(path, "rb").read()
    check(data.endswith(b"\n"), "the trace does not end with a complete line")
    n = 0
    for n, line in enumerate(data.decode().splitlines(), 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            raise Fail("trace line %d is not JSON (%s): %r" % (n, e, line[:100]))
        check(r.get("seq") == n, "trace line %d has seq %r" % (n, r.get("seq")))
    check(n >= min_records, "the trace has %d records, expected at least %d" % (n, min_records))
    return n


def guest(guests, arch, name):
    path = os.path.join(guests, arch, name)
    if not os.path.exists(path):
        raise SystemExit(77)
    return path


def case_trace_dev_full(sk, guests, work):
    # hello's records fit stdio's buffer: the error shows when the trace is flushed at the end.
    st, out, err = run([sk, "run", "--trace", "/dev/full", guest(guests, "x86_64", "hello")])
    check(st == 74, "exit status %d, expected 74" % st)
    one_line_error(err, "cannot write the trace file /dev/full: No space left on device")


def case_trace_dev_full_loop(sk, guests, work):
    # A guest that never ends: the first lost write ends the run (no timeout involved).
    st, out, err = run([sk, "run", "--trace", "/dev/full", guest(guests, "x86_64", "loop")],
                       timeout=30)
    check(st == 74, "exit status %d, expected 74" % st)
    one_line_error(err, "cannot write the trace file /dev/full")


def closed_pipe(sk, g):
    r, w = os.pipe()
    os.close(r)  # the reader is gone before softkvm writes (subprocess restores SIGPIPE)
    try:
        return run([sk, "run", g], stdout=w, timeout=30)
    finally:
        os.close(w)


def case_stdout_closed_pipe(sk, guests, work):
    st, out, err = closed_pipe(sk, guest(guests, "x86_64", "hello"))
    check(st != -signal.SIGPIPE, "softkvm was killed by SIGPIPE")
    check(st == 74, "exit status %d, expected 74 (the guest's output was lost)" % st)
    one_line_error(err, "cannot write the guest console: Broken pipe")


def case_stdout_closed_pipe_loop(sk, guests, work):
    st, out, err = closed_pipe(sk, guest(guests, "x86_64", "loop"))
    check(st == 74, "exit status %d, expected 74" % st)
    one_line_error(err, "cannot write the guest console: Broken pipe")


def signal_busy(sk, guests, work, sig, want):
    trace = os.path.join(work, "trace.jsonl")
    if os.path.exists(trace):
        os.unlink(trace)  # the size check below must see this run's trace
    p = subprocess.Popen([sk, "run", "--stats", "--trace", trace,
                          guest(guests, "x86_64", "loop")],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Busy: wait until the guest has printed and made many hypercalls (the trace grows).
        deadline = time.time() + 20
        while time.time() < deadline and (not os.path.exists(trace) or
                                          os.path.getsize(trace) < 20000):
            check(p.poll() is None, "softkvm ended before the signal: %d" % (p.returncode or 0))
            time.sleep(0.02)
        check(time.time() < deadline, "the trace did not grow to 20 kB")
        p.send_signal(sig)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    out, err = out.decode(), err.decode()
    check(p.returncode == want, "exit status %d, expected %d" % (p.returncode, want))
    check(out == "looping\n", "stdout %r is not the guest's 'looping'" % out[:100])
    name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
    check(err.startswith("softkvm: stopped by %s" % name), "stderr starts %r" % err[:100])
    # --stats as at a normal end, and it counts the hypercalls the trace recorded.
    n = check_trace(trace, 100)
    hc = sum(1 for l in open(trace) if '"exit":"hypercall"' in l)
    check(("hypercall" in err) and str(hc) in err,
          "--stats does not show the %d traced hypercalls: %r" % (hc, err[:600]))


def case_sigint_busy(sk, guests, work):
    signal_busy(sk, guests, work, signal.SIGINT, 130)


def case_sigterm_busy(sk, guests, work):
    signal_busy(sk, guests, work, signal.SIGTERM, 143)


def case_timeout_value(sk, guests, work):
    for v in ["0", "x", "604801", ""]:
        st, out, err = run([sk, "run", "--timeout", v, guest(guests, "x86_64", "loop")])
        check(st == 64, "--timeout %r: exit status %d, expected 64" % (v, st))
        one_line_error(err, "--timeout needs a whole number of seconds from 1 to 604800")


def timeout_arch(sk, guests, work, arch):
    trace = os.path.join(work, "trace.jsonl")
    t0 = time.time()
    st, out, err = run([sk, "run", "--timeout", "1", "--trace", trace, guest(guests, arch, "loop")],
                       timeout=30)
    took = time.time() - t0
    check(st == 124, "exit status %d, expected 124: %r" % (st, err[:300]))
    check(took >= 1.0, "ended after %.2f s, before the 1 s timeout" % took)
    check(out == "looping\n", "stdout %r is not the guest's 'looping'" % out[:100])
    lines = err.splitlines()
    check(lines and lines[0] == "softkvm: --timeout 1: the guest was still running after 1 s; "
          "its vCPUs' registers follow", "stderr starts %r" % err[:200])
    check(len(lines) > 2 and "vCPU 0 registers" in lines[1], "no register dump: %r" % err[:300])
    if arch == "x86_64":
        check_trace(trace, 100)  # the loop's hypercalls, flushed
    else:
        check(os.path.exists(trace), "no trace file")


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 5 or sys.argv[4] not in CASES:
        print(__doc__)
        return 2
    sk, guests, work, case = sys.argv[1:]
    work = os.path.join(work, case)
    os.makedirs(work, exist_ok=True)
    try:
        if case.startswith("timeout_") and case[8:] in ARCHES:
            timeout_arch(sk, guests, work, case[8:])
        else:
            globals()["case_" + case](sk, guests, work)
    except Fail as e:
        print("FAIL %s: %s" % (case, e))
        return 1
    print("ok   %s" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
