#!/usr/bin/env python3
"""Write the small hand-made files the CLI tests feed to softkvm: mkelf.py KIND OUT [INPUT]."""
import struct
import sys

# mov $0xf0000000,%ebx; movl $0,(%rbx); hlt
CODE = bytes.fromhex("bb000000f0" "c70300000000" "f4")


def elf64(machine, segs, etype=2, phoff=64):
    """ELF64 little-endian image; segs: (paddr, bytes, memsz) each, loaded as PT_LOAD."""
    data_off = 0x200
    phdrs, blobs, off = b"", b"", data_off
    for paddr, blob, memsz in segs:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, off, paddr, paddr, len(blob), memsz, 0x1000)
        blobs += blob
        off += len(blob)
    entry = segs[0][0]
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr += struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 64, 56,
                        len(segs), 64, 0, 0)
    img = bytearray(data_off) + blobs
    img[0:64] = ehdr
    if phoff + len(phdrs) <= data_off:
        img[phoff:phoff + len(phdrs)] = phdrs
    return bytes(img)


def elf32(machine, big_endian, segs):
    """ELF32 image in the given byte order; segs as for elf64."""
    e = ">" if big_endian else "<"
    data_off = 0x100
    phdrs, blobs, off = b"", b"", data_off
    for paddr, blob, memsz in segs:
        phdrs += struct.pack(e + "IIIIIIII", 1, off, paddr, paddr, len(blob), memsz, 7, 0x1000)
        blobs += blob
        off += len(blob)
    ehdr = b"\x7fELF" + bytes([1, 2 if big_endian else 1, 1]) + bytes(9)
    ehdr += struct.pack(e + "HHIIIIIHHHHHH", 2, machine, 1, segs[0][0], 52, 0, 0, 52, 32,
                        len(segs), 40, 0, 0)
    img = bytearray(data_off) + blobs
    img[0:52] = ehdr
    img[52:52 + len(phdrs)] = phdrs
    return bytes(img)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "overlap":
        data = elf64(62, [(0x100000, CODE, 0x1000), (0x100800, CODE, 0x1000)])
    elif kind == "aarch64":
        data = elf64(183, [(0x100000, bytes(16), 0x1000)])
    elif kind == "i386":
        data = elf32(3, False, [(0x100000, CODE, 0x1000)])
    elif kind == "arm":
        data = elf32(40, False, [(0x100000, bytes(16), 0x1000)])
    elif kind == "dyn":
        data = elf64(62, [(0x100000, CODE, 0x1000)], etype=3)
    elif kind == "phdrs_past_end":
        data = elf64(62, [(0x100000, CODE, 0x1000)], phoff=0x1000)
    elif kind == "truncate30":
        with open(sys.argv[3], "rb") as f:
            data = f.read(30)
        if len(data) != 30:
            sys.exit("mkelf.py: %s is shorter than 30 bytes" % sys.argv[3])
    elif kind == "text":
        data = b"This is a text file, not a kernel.\n"
    else:
        sys.exit("mkelf.py: unknown kind %r" % kind)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
