#!/usr/bin/env python3
"""gdb tests: runs softkvm with its gdb stub and drives it with real gdb in batch mode, or with
a raw socket client for protocol abuse. usage: gdb_test.py CASE ARCH SOFTKVM GDB GUEST"""
import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import time

# Registers `info registers` must show, per architecture (the first is the PC).
ARCH_REGS = {
    "x86_64": ["rip", "rsp", "cr3", "efer", "fs_base"],
    "ppc": ["pc", "r1", "msr", "lr"],
    "ppc64": ["pc", "r1", "msr", "lr"],
    "s390x": ["pswa", "pswm", "r15", "acr0"],
}


def fail(msg, *outputs):
    print("FAIL:", msg)
    for o in outputs:
        print("----\n" + o)
    sys.exit(1)


def start(softkvm, guest, extra=(), trace=None):
    """softkvm run -S --gdb tcp::0; returns (process, port)."""
    cmd = [softkvm, "run", "-S", "--gdb", "tcp::0"] + list(extra)
    if trace:
        cmd += ["--trace", trace]
    p = subprocess.Popen(cmd + [guest], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    atexit.register(lambda: p.poll() is None and p.kill())  # no softkvm left waiting on a FAIL
    line = p.stderr.readline()
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        fail("no listening line from softkvm: " + line)
    return p, int(m.group(1))


def finish(p, timeout=30):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        fail("softkvm did not end after the session", out, err)
    return p.returncode, out, err


def gdb_batch(gdb, guest, port, cmds, interrupt_after=None):
    """Run gdb -batch with the commands; interrupt_after: a marker gdb echoes just before a
    blocking continue, after which gdb gets SIGINT (as a user's Ctrl-C)."""
    args = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off"]
    args += ["-ex", "target remote 127.0.0.1:%d" % port]
    for c in cmds:
        args += ["-ex", c]
    args.append(guest)
    g = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    out = []
    if interrupt_after:
        for line in g.stdout:
            out.append(line)
            if interrupt_after in line:
                time.sleep(0.5)
                g.send_signal(signal.SIGINT)
                break
    try:
        rest, _ = g.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(g.pid, signal.SIGKILL)
        rest, _ = g.communicate()
        fail("gdb did not finish", "".join(out) + rest)
    return "".join(out) + rest


def expect(text, pattern, what):
    m = re.search(pattern, text, re.M)
    if not m:
        fail("%s: /%s/ not in gdb's output" % (what, pattern), text)
    return m


def case_session(softkvm, gdb, guest, arch, trace=None):
    """break at a symbol, registers, read and write variables, step, watchpoint, monitor."""
    p, port = start(softkvm, guest, trace=trace)
    out = gdb_batch(gdb, guest, port, [
        "break gdb_bump", "continue", "info registers", "print gdb_counter",
        "set var gdb_answer = 42", "print $pc", "stepi", "print $pc", "next",
        "print gdb_counter", "delete", "watch gdb_counter", "continue", "delete",
        "hbreak gdb_wait", "continue", "delete", "rwatch gdb_release", "continue", "delete",
        "monitor phys", "print gdb_answer", "monitor virt", "monitor stats",
        "set var gdb_release = 1", "continue"])
    status, sout, serr = finish(p)
    expect(out, r"Breakpoint 1, gdb_bump \(step=", "breakpoint at gdb_bump")
    regs = ARCH_REGS[arch]
    expect(out, r"^%s\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <gdb_bump" % regs[0], "info registers: PC")
    for r in regs[1:]:
        expect(out, r"^%s\s+0x" % r, "info registers shows " + r)
    expect(out, r"^\$1 = 0$", "gdb_counter before the first bump")
    pcs = re.findall(r"^\$[23] = \(void \(\*\)\(\)\) (0x[0-9a-f]+)", out, re.M)
    if len(pcs) != 2 or pcs[0] == pcs[1]:
        fail("stepi did not move the pc: %s" % pcs, out)
    expect(out, r"^\$4 = 1$", "gdb_counter after stepping over the first bump")
    expect(out, r"Hardware watchpoint 2: gdb_counter\s+Old value = 1\s+New value = 3",
           "the watchpoint fires on the second bump")
    expect(out, r"Hardware assisted breakpoint 3 at", "hbreak sets a Z1 point")
    expect(out, r"^Breakpoint 3, gdb_wait \(\)", "the hardware breakpoint (Z1) at gdb_wait hits")
    expect(out, r"Hardware read watchpoint 4: gdb_release\s+Value = 0", "rwatch (Z3) fires")
    expect(out, r"memory accesses use guest-physical addresses", "monitor phys")
    expect(out, r"^\$5 = 42$", "gdb_answer read back (physical = virtual for this guest)")
    expect(out, r"softkvm stats:", "monitor stats prints the --stats table")
    expect(out, r"exited with code 052", "gdb sees the guest's exit status")
    if status != 42 or "answer 42" not in sout:
        fail("the guest did not act on gdb's write (status %d)" % status, out, sout, serr)
    return out


def case_determinism(softkvm, gdb, guest, arch, tmp):
    traces = []
    for i in range(2):
        t = os.path.join(tmp, "session%d.jsonl" % i)
        case_session(softkvm, gdb, guest, arch, trace=t)
        with open(t) as f:
            traces.append(f.read())
    if traces[0] != traces[1] or not traces[0]:
        fail("the same gdb session gave two different traces (%d, %d bytes)"
             % (len(traces[0]), len(traces[1])))


def case_smp(softkvm, gdb, guest, arch):
    """info threads on 2 vCPUs, switch thread, Ctrl-C, detach (the guest runs on)."""
    p, port = start(softkvm, guest, extra=["--smp", "2"])
    out = gdb_batch(gdb, guest, port, [
        "break gdb_wait", "continue", "info threads", "thread 2", "print $pc", "thread 1",
        "delete", "echo CONTINUING\\n", "continue", "print gdb_spins > 0",
        "set var gdb_answer = 42", "set var gdb_release = 1", "detach"],
        interrupt_after="CONTINUING")
    status, sout, serr = finish(p)
    expect(out, r"^\* 1\s+Thread 1 \(vCPU 0", "info threads lists vCPU 0 as current")
    expect(out, r"^  2\s+Thread 2 \(vCPU 1", "info threads lists vCPU 1")
    expect(out, r"Switching to thread 2", "thread 2 is selected")
    expect(out, r"received signal SIGINT", "Ctrl-C stops the guest")
    expect(out, r"= 1$", "the guest was spinning before the interrupt")
    expect(out, r"\[Inferior 1 \(Remote target\) detached\]", "detach")
    if status != 42:
        fail("after detach the guest did not run on to its end (status %d)" % status, out,
             sout, serr)


def nm(guest, sym):
    out = subprocess.run(["nm", guest], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) [A-Za-z] %s$" % sym, out, re.M)
    if not m:
        fail("no symbol " + sym)
    return int(m.group(1), 16)


def frame(payload):
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xFF)


def recv_until(s, pred, what):
    data = b""
    s.settimeout(10)
    while not pred(data):
        chunk = s.recv(4096)
        if not chunk:
            fail("the stub closed the connection waiting for " + what)
        data += chunk
    return data


def packet(s, payload):
    s.sendall(frame(payload))
    return recv_until(s, lambda d: re.search(rb"\$[^#]*#..", d), payload.decode())


def le32_hex(v, big):
    return (v.to_bytes(4, "big" if big else "little")).hex().encode()


def case_abuse(softkvm, gdb, guest, arch):
    """A bad checksum is refused, unknown packets answered empty, a client that vanishes
    mid-packet (running or stopped) lets the guest run on; one client at a time."""
    big = arch != "x86_64"
    answer, release = nm(guest, "gdb_answer"), nm(guest, "gdb_release")
    p, port = start(softkvm, guest)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"$?#00")
    r = recv_until(s, lambda d: b"-" in d, "a nak")
    if not r.startswith(b"-"):
        fail("bad checksum answered %r" % r)
    r = packet(s, b"?")
    if b"+$T05thread:1;" not in r:
        fail("stop reply %r" % r)
    if b"+$#00" not in packet(s, b"Xyzzy-not-a-packet"):
        fail("unknown packet not answered empty")
    if b"$OK#" not in packet(s, b"M%x,4:%s" % (answer, le32_hex(42, big))):
        fail("memory write refused")
    s.sendall(frame(b"c") + b"$m10")  # continue, then vanish mid-packet while running
    time.sleep(0.3)
    s.close()
    s = socket.create_connection(("127.0.0.1", port))  # a new client stops the guest again
    r = packet(s, b"?")
    if not re.search(rb"\$T05thread:[0-9a-f]+;", r):
        fail("a new client did not find the guest stopped: %r" % r)
    if b"$OK#" not in packet(s, b"M%x,4:%s" % (release, le32_hex(1, big))):
        fail("memory write refused")
    s.sendall(b"$g")  # vanish mid-packet while stopped
    s.close()
    status, sout, serr = finish(p)
    if status != 42:
        fail("the guest did not run on after the clients left (status %d)" % status, sout, serr)


def main():
    case, arch, softkvm, gdb, guest = sys.argv[1:6]
    if not os.path.exists(gdb):
        print("SKIP: no gdb for %s (make setup installs gdb and gdb-multiarch)" % arch)
        sys.exit(77)
    tmp = os.environ.get("GDB_TEST_TMP", "/tmp")
    os.makedirs(tmp, exist_ok=True)
    if case == "session":
        case_session(softkvm, gdb, guest, arch)
    elif case == "determinism":
        case_determinism(softkvm, gdb, guest, arch, tmp)
    elif case == "smp":
        case_smp(softkvm, gdb, guest, arch)
    elif case == "abuse":
        case_abuse(softkvm, gdb, guest, arch)
    else:
        fail("unknown case " + case)
    print("PASS gdb %s" % case)


if __name__ == "__main__":
    main()
