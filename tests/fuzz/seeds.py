#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz corpora (tests/fuzz/corpus/TARGET/seed-*).

    seeds.py CORPUS_DIR     (re)writes the seeds; crash-* and other inputs there are kept.
Each seed is a small valid-looking input that gets a target past its first checks."""
import os
import struct
import sys


def le(fmt, *v):
    return struct.pack("<" + fmt, *v)


def be(fmt, *v):
    return struct.pack(">" + fmt, *v)


def elf64(machine=62, big=False, entry=0x100000, segs=((0x100000, b"\xf4" * 16),)):
    """A minimal ET_EXEC ELF with PT_LOAD segments (paddr, bytes)."""
    e = ">" if big else "<"
    phoff, ehsize, phsize = 64, 64, 56
    data_at = phoff + phsize * len(segs)
    hdr = b"\x7fELF" + bytes([2, 2 if big else 1, 1]) + bytes(9)
    hdr += struct.pack(e + "HHIQQQIHHHHHH", 2, machine, 1, entry, phoff, 0, 0, ehsize, phsize,
                       len(segs), 0, 0, 0)
    ph, body, off = b"", b"", data_at
    for paddr, blob in segs:
        ph += struct.pack(e + "IIQQQQQQ", 1, 7, off, paddr, paddr, len(blob), len(blob) + 64, 8)
        body += blob
        off += len(blob)
    return hdr + ph + body


def multiboot_seed(kludge=True):
    """A multiboot v1 header at offset 0 (a.out kludge: loaded at 1 MiB), then code."""
    flags = 0x00010000 if kludge else 0
    hdr = le("III", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF)
    if kludge:
        hdr += le("IIIII", 0x100000, 0x100000, 0x100040, 0x100080, 0x100020)
    return hdr + b"\xf4" * (0x40 - len(hdr))


def pvh_seed():
    """An ELF with a PT_NOTE holding the Xen PHYS32_ENTRY note (type 18)."""
    note = le("III", 4, 4, 18) + b"Xen\0" + le("I", 0x100000)
    elf = bytearray(elf64(segs=((0x100000, b"\xf4" * 16), (0x200000, note))))
    # The second program header becomes PT_NOTE (type 4).
    struct.pack_into("<I", elf, 64 + 56, 4)
    return bytes(elf)


def virtq_seed(loop=False):
    # shape 0, num 1 << 2, desc 0x0000, avail 0x0100, used 0x0200, last_avail 0, used_idx 0
    head = bytes([0, 2]) + le("HHH", 0, 0x100, 0x200) + le("HH", 0, 0)
    ram = bytearray(0x300)
    ram[0:16] = le("QIHH", 0x1000, 16, 1, 1)  # NEXT -> 1
    ram[16:32] = le("QIHH", 0x2000, 8, 2 if not loop else 3, 0)  # WRITE (loop: NEXT -> 0)
    ram[0x100:0x106] = le("HHH", 0, 1, 0)  # flags, idx 1, ring[0] = 0
    return head + bytes(ram)


def main():
    root = sys.argv[1]
    x86_hc = b"\x0f\x01\xc1"  # vmcall
    seeds = {
        "cli": [b"run\0-m\x0064\0k.elf", b"run\0--smp\x004\0--trace\0t.jsonl\0--stats\0k",
                b"run\0--cpu-vendor\0amd\0--no-hypercall-patching\0--enforce-pv-cpuid\0k",
                b"run\0--hide-pv-feature\0pv_unhalt,,pv_sched_yield\0--timeout\x0010\0k",
                b"run\0--cpu\x00750\0--hcall-style\0hv\0--\0-k", b"--help", b"--version",
                b"run\0-h"],
        "elf": [elf64(), elf64(machine=21, big=True), elf64(machine=22, big=True),
                elf64(segs=((0x100000, b"\x90" * 32), (0x100010, b"\xf4")))],
        # insn, flags (64-bit, CPL 0, vCPU 0, 2-byte registers), RAX..RSI
        "hc_x86_64": [x86_hc + b"\x01" + le("HHHHH", 5, 0, 1, 0, 0),
                      b"\x0f\x01\xd9\x09" + le("HHHHH", 10, 3, 0, 0, 0x30),
                      x86_hc + b"\x01" + le("HHHHH", 11, 1, 0, 0, 0)],
        # insn, reason, spr, reg, flags (magic r0, KVM/ePAPR vendor), r3..r11
        "hc_ppc": [be("I", 0x44000002) + b"\x00" + le("H", 0x110) + b"\x03" + b"\x1c" +
                   le("9H", 0, 0, 0, 0, 0, 0, 0, 0, 3),
                   be("I", 0x44000002) + b"\x00" + le("H", 0x110) + b"\x03" + b"\x0c" +
                   le("9H", 0, 0, 0, 0, 0, 0, 0, 0, 3)],
        "hc_s390x": [le("H", 0) + b"\x00" + bytes([0x83, 0x12, 0x05, 0x00]) + b"\x07" +
                     le("16H", *range(16)) + b"\x03"],
        "virtq": [virtq_seed(), virtq_seed(loop=True)],
        # SVR enable, LVT timer, initial count, time passes, ICR fixed IPI to APIC 1, EOI
        "lapic": [b"\x02" + le("H", 0xF0) + le("I", 0x1FF) + b"\x02" + le("H", 0x320) +
                  le("I", 0x20030) + b"\x02" + le("H", 0x380) + le("I", 100) + b"\x07" +
                  b"\xff\xff\x00" + b"\x06" + b"\x02" + le("H", 0x310) + le("I", 1 << 24) +
                  b"\x02" + le("H", 0x300) + le("I", 0x4031) + b"\x0e" + b"\x02" + le("H", 0xB0) +
                  le("I", 0)],
        "run_x86_64": [b"\x01" + x86_hc + b"\xf4", b"\x0d\xfa\xf4", b"\x08\xeb\xfe"],
        "run_ppc": [b"\x08" + be("I", 0x44000002) + be("I", 0x48000000)],
        "run_s390x": [b"\x08" + bytes([0x83, 0x12, 0x05, 0x00]) + bytes([0xa7, 0xf4, 0x00, 0x00])],
    }
    # e820 count, entries, cmdline length and bytes, base, module, rsdp, capacity: a header first
    seeds["boot_formats"] = [multiboot_seed(), multiboot_seed(False) + elf64()[0x40:],
                             pvh_seed(), elf64()]
    seeds["hc_ppc64"] = seeds["hc_ppc"]
    seeds["run_ppc64"] = seeds["run_ppc"]
    for target, inputs in seeds.items():
        d = os.path.join(root, target)
        os.makedirs(d, exist_ok=True)
        for i, blob in enumerate(inputs):
            with open(os.path.join(d, "seed-%d" % i), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()
