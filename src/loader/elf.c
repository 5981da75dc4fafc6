/* ELF executables: header and program-header validation, layout checks, loading into RAM. */
#include "softkvm/elf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "softkvm/gmem.h"

#define PT_LOAD 1
#define ET_EXEC 2

static uint64_t rd(const uint8_t *p, unsigned n, bool be)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

const char *elf_machine_name(uint16_t machine)
{
    switch (machine) {
    case 3:
        return "x86 (32-bit)";
    case 20:
        return "PowerPC";
    case 21:
        return "PowerPC64";
    case 22:
        return "s390";
    case 40:
        return "ARM";
    case 62:
        return "x86-64";
    case 183:
        return "AArch64";
    case 243:
        return "RISC-V";
    default:
        return NULL;
    }
}

int elf_parse(const uint8_t *buf, uint64_t len, struct elf_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof(*img));
    if (len < 16 || memcmp(buf, "\177ELF", 4) != 0) {
        snprintf(err, errlen, "not an ELF file (no ELF magic)");
        return -ENOEXEC;
    }
    uint8_t cls = buf[4], data = buf[5];
    if (cls != 1 && cls != 2) {
        snprintf(err, errlen, "bad ELF class %u (expected 32- or 64-bit)", cls);
        return -ENOEXEC;
    }
    if (data != 1 && data != 2) {
        snprintf(err, errlen, "bad ELF data encoding %u", data);
        return -ENOEXEC;
    }
    bool be = data == 2, is64 = cls == 2;
    uint64_t ehsize = is64 ? 64 : 52;
    if (len < ehsize) {
        snprintf(err, errlen, "truncated ELF: file is %llu bytes, header needs %llu",
                 (unsigned long long)len, (unsigned long long)ehsize);
        return -ENOEXEC;
    }
    img->elf_class = cls;
    img->data = data;
    uint16_t type = (uint16_t)rd(buf + 16, 2, be);
    img->machine = (uint16_t)rd(buf + 18, 2, be);
    if (type != ET_EXEC) {
        snprintf(err, errlen, "ELF type %u is not an executable (ET_EXEC)", type);
        return -ENOEXEC;
    }
    uint64_t phoff, phentsize, phnum;
    if (is64) {
        img->entry = rd(buf + 24, 8, be);
        phoff = rd(buf + 32, 8, be);
        phentsize = rd(buf + 54, 2, be);
        phnum = rd(buf + 56, 2, be);
    } else {
        img->entry = rd(buf + 24, 4, be);
        phoff = rd(buf + 28, 4, be);
        phentsize = rd(buf + 42, 2, be);
        phnum = rd(buf + 44, 2, be);
    }
    uint64_t want = is64 ? 56 : 32;
    if (phnum == 0) {
        snprintf(err, errlen, "ELF has no program headers");
        return -ENOEXEC;
    }
    if (phentsize != want) {
        snprintf(err, errlen, "ELF program header size %llu (expected %llu)",
                 (unsigned long long)phentsize, (unsigned long long)want);
        return -ENOEXEC;
    }
    if (phoff > len || phnum * phentsize > len - phoff) {
        snprintf(err, errlen, "truncated ELF: program headers end past the end of the file");
        return -ENOEXEC;
    }
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + i * phentsize;
        uint32_t ptype = (uint32_t)rd(ph, 4, be);
        if (ptype != PT_LOAD)
            continue;
        struct elf_segment s;
        if (is64) {
            s.offset = rd(ph + 8, 8, be);
            s.paddr = rd(ph + 24, 8, be);
            s.filesz = rd(ph + 32, 8, be);
            s.memsz = rd(ph + 40, 8, be);
        } else {
            s.offset = rd(ph + 4, 4, be);
            s.paddr = rd(ph + 12, 4, be);
            s.filesz = rd(ph + 16, 4, be);
            s.memsz = rd(ph + 20, 4, be);
        }
        if (s.memsz == 0)
            continue;
        if (s.filesz > s.memsz) {
            snprintf(err, errlen, "ELF segment %llu has file size larger than memory size",
                     (unsigned long long)i);
            return -ENOEXEC;
        }
        if (s.offset > len || s.filesz > len - s.offset) {
            snprintf(err, errlen,
                     "truncated ELF: segment %llu's bytes end past the end of the file",
                     (unsigned long long)i);
            return -ENOEXEC;
        }
        if (img->nseg >= ELF_MAX_SEGMENTS) {
            snprintf(err, errlen, "ELF has more than %d loadable segments", ELF_MAX_SEGMENTS);
            return -ENOEXEC;
        }
        img->seg[img->nseg++] = s;
    }
    if (img->nseg == 0) {
        snprintf(err, errlen, "ELF has no loadable segment");
        return -ENOEXEC;
    }
    return 0;
}

int elf_check_layout(const struct elf_image *img, uint64_t ram_size, uint64_t res_lo,
                     uint64_t res_hi, char *err, size_t errlen)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->paddr > ram_size || s->memsz > ram_size - s->paddr) {
            snprintf(err, errlen,
                     "ELF segment at 0x%llx (0x%llx bytes) lies outside guest RAM (%llu MiB); "
                     "give more RAM with -m or relink the kernel",
                     (unsigned long long)s->paddr, (unsigned long long)s->memsz,
                     (unsigned long long)(ram_size >> 20));
            return -ERANGE;
        }
        if (s->paddr < res_hi && res_lo < s->paddr + s->memsz) {
            snprintf(err, errlen,
                     "ELF segment at 0x%llx overlaps softkvm's boot area 0x%llx-0x%llx; "
                     "link the kernel above 0x%llx",
                     (unsigned long long)s->paddr, (unsigned long long)res_lo,
                     (unsigned long long)res_hi - 1, (unsigned long long)res_hi);
            return -ERANGE;
        }
        for (unsigned j = 0; j < i; j++) {
            const struct elf_segment *o = &img->seg[j];
            if (s->paddr < o->paddr + o->memsz && o->paddr < s->paddr + s->memsz) {
                snprintf(err, errlen, "ELF segments at 0x%llx and 0x%llx overlap",
                         (unsigned long long)o->paddr, (unsigned long long)s->paddr);
                return -EEXIST;
            }
        }
    }
    return 0;
}

int elf_load(const struct elf_image *img, const uint8_t *buf, struct gmem *gm)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint8_t *dst = gmem_ptr(gm, s->paddr, s->memsz);
        if (dst == NULL)
            return -EFAULT;
        memcpy(dst, buf + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}
