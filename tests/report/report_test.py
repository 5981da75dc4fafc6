#!/usr/bin/env python3
"""softkvm report tests: the report of a traced run agrees with --stats of the same run, and the
timeline JSON has a track per vCPU, spans that do not overlap on a track, and wake flows that
connect a running waker to the vCPU it woke. usage: report_test.py CASE SOFTKVM GUEST [ARGS]"""
import json
import os
import re
import subprocess
import sys

EPS = 1e-6  # microsecond times with 3 decimals, summed as floats


def fail(msg, *outs):
    print("FAIL:", msg)
    for o in outs:
        print("----\n" + o)
    sys.exit(1)


def traced_run(softkvm, guest, args, tmp):
    trace = os.path.join(tmp, "trace.jsonl")
    p = subprocess.run([softkvm, "run", "--stats", "--trace", trace] + args + [guest],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        fail("the guest run failed (%d)" % p.returncode, p.stdout, p.stderr)
    return trace, p.stderr


def stats_counts(stderr):
    """The exit and hypercall counts of --stats."""
    exits = dict((k, int(v)) for k, v in re.findall(r"^    (\w+)\s+(\d+)$", stderr, re.M))
    hc = dict((n, int(c)) for n, c in re.findall(r"^    \w+ \d+\s+(\S+)\s+(\d+)$", stderr, re.M))
    return exits, hc


def case_stats(softkvm, guest, args, tmp):
    trace, stderr = traced_run(softkvm, guest, args, tmp)
    p = subprocess.run([softkvm, "report", "--json", trace], capture_output=True, text=True)
    if p.returncode != 0:
        fail("report failed", p.stderr)
    rep = json.loads(p.stdout)
    exits, hc = stats_counts(stderr)
    got = dict((e["exit"], e["samples"]) for e in rep["exits"])
    total = int(re.search(r"^  hypercalls: (\d+)$", stderr, re.M).group(1))
    if got.get("hypercall", 0) != total:  # s390x serves DIAGNOSE inside the engine: not an exit
        fail("hypercalls: report %d, --stats %d" % (got.get("hypercall", 0), total), p.stdout)
    for kind in ("halt",):
        if got.get(kind, 0) != exits.get(kind, 0):
            fail("%s: report %d, --stats %d" % (kind, got.get(kind, 0), exits.get(kind, 0)),
                 p.stdout, stderr)
    if got.get("pio_in", 0) + got.get("pio_out", 0) != exits.get("pio", 0):
        fail("port I/O: report and --stats differ", p.stdout, stderr)
    if got.get("mmio_read", 0) + got.get("mmio_write", 0) != exits.get("mmio", 0):
        fail("MMIO: report and --stats differ", p.stdout, stderr)
    for h in rep["hypercalls"]:
        name = h["hypercall"].split(" ", 2)[2]
        if name != "(unsupported)" and hc.get(name) != h["count"]:
            fail("hypercall %s: report %d, --stats %s" % (name, h["count"], hc.get(name)))
    if total != sum(h["count"] for h in rep["hypercalls"]):
        fail("hypercall totals differ", p.stdout, stderr)
    halt = [e for e in rep["exits"] if e["exit"] == "halt"]
    if exits.get("halt") and (not halt or halt[0]["time_ns"] != rep["halted_ns"]):
        fail("halt time is not the halted time", p.stdout)
    text = subprocess.run([softkvm, "report", trace], capture_output=True, text=True).stdout
    if total and not re.search(r"^\s+hypercall\s+%d\s" % total, text, re.M):
        fail("the table lacks the hypercall row", text)
    print("report agrees with --stats: %s" % sorted(got.items()))


def case_timeline(softkvm, guest, args, tmp):
    trace, _ = traced_run(softkvm, guest, args, tmp)
    out = os.path.join(tmp, "timeline.json")
    p = subprocess.run([softkvm, "report", "--timeline", out, trace], capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail("report --timeline failed", p.stderr)
    ev = json.load(open(out))["traceEvents"]
    ncpus = int(args[args.index("--smp") + 1]) if "--smp" in args else 1
    tracks = sorted(e["tid"] for e in ev if e.get("ph") == "M" and e["name"] == "thread_name")
    if tracks != list(range(1, ncpus + 1)):
        fail("tracks %s, want one per vCPU (%d)" % (tracks, ncpus))
    spans = {}
    for e in ev:
        if e.get("ph") == "X":
            spans.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"], e["name"]))
    for tid, ss in spans.items():
        ss.sort()
        for a, b in zip(ss, ss[1:]):
            if b[0] < a[1] - EPS:
                fail("track %d: %s %s overlaps %s %s" % (tid, a[2], a[:2], b[2], b[:2]))
    # One engine runs one vCPU at a time: running spans of all tracks do not overlap either.
    runs = sorted((a, b, tid) for tid, ss in spans.items() for a, b, n in ss if n == "running")
    for x, y in zip(runs, runs[1:]):
        if y[0] < x[1] - EPS:
            fail("vCPU tracks %d and %d both run at %.3f us" % (x[2], y[2], y[0]))
    if set(spans) != set(tracks):
        fail("a vCPU track without spans: %s" % sorted(spans))
    starts = dict((e["id"], e) for e in ev if e.get("ph") == "s")
    ends = dict((e["id"], e) for e in ev if e.get("ph") == "f")
    if set(starts) != set(ends):
        fail("flows without both ends")
    for i, s in starts.items():
        f = ends[i]
        if s["tid"] == f["tid"] or abs(s["ts"] - f["ts"]) > EPS:
            fail("flow %d does not connect two vCPUs at one time" % i)
        if not any(a - EPS <= s["ts"] <= b + EPS and n == "running" for a, b, n in spans[s["tid"]]):
            fail("flow %d starts where its waker is not running" % i)
        if not any(abs(b - f["ts"]) < EPS and n == "halted" for a, b, n in spans[f["tid"]]):
            fail("flow %d does not end a halted span of the woken vCPU" % i)
    hcs = [e for e in ev if e.get("cat") == "hypercall"]
    want_flows = int(os.environ.get("WANT_FLOWS", "1"))
    if len(starts) < want_flows:
        fail("%d flows, want at least %d" % (len(starts), want_flows))
    print("timeline: %d tracks, %d spans, %d hypercalls, %d flows" %
          (len(tracks), sum(len(s) for s in spans.values()), len(hcs), len(starts)))


def case_bad_trace(softkvm, guest, args, tmp):
    bad = os.path.join(tmp, "bad.jsonl")
    with open(bad, "w") as f:
        f.write('{"seq":1,"vcpu":0,"exit":"halt","pc":"0x0","vt_ns":5}\n{"seq":2,"vcpu"\n')
    p = subprocess.run([softkvm, "report", bad], capture_output=True, text=True)
    if p.returncode != 66 or not re.fullmatch(r"softkvm: .*bad.jsonl: line 2: .*\n", p.stderr):
        fail("bad trace: status %d, stderr %r" % (p.returncode, p.stderr))
    p = subprocess.run([softkvm, "report", os.path.join(tmp, "missing.jsonl")],
                       capture_output=True, text=True)
    if p.returncode != 66 or "cannot open" not in p.stderr:
        fail("missing trace: status %d, stderr %r" % (p.returncode, p.stderr))


def main():
    case, softkvm, guest = sys.argv[1:4]
    args = sys.argv[4:]
    tmp = os.environ.get("REPORT_TEST_TMP", "/tmp/report_test")
    os.makedirs(tmp, exist_ok=True)
    {"stats": case_stats, "timeline": case_timeline, "bad_trace": case_bad_trace}[case](
        softkvm, guest, args, tmp)
    print("PASS report %s" % case)


if __name__ == "__main__":
    main()
