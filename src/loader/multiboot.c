/* Multiboot v1 headers (ELF or a.out-kludge kernels) and the PVH entry note, found and checked. */
#include "softkvm/multiboot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EM_386    3
#define EM_X86_64 62
#define PT_NOTE   4

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

int multiboot_find(const uint8_t *buf, uint64_t len, struct multiboot_header *h, char *err,
                   size_t errlen)
{
    uint64_t end = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
    for (uint64_t off = 0; off + 4 <= end; off += 4) {
        if (le32(buf + off) != MULTIBOOT_HEADER_MAGIC)
            continue;
        if (off + 12 > len) {
            snprintf(err, errlen, "multiboot header at offset 0x%llx is truncated",
                     (unsigned long long)off);
            return -ENOEXEC;
        }
        uint32_t flags = le32(buf + off + 4), sum = le32(buf + off + 8);
        if (MULTIBOOT_HEADER_MAGIC + flags + sum != 0) {
            snprintf(err, errlen,
                     "multiboot header at offset 0x%llx has a bad checksum (magic + flags + "
                     "checksum must be 0)",
                     (unsigned long long)off);
            return -ENOEXEC;
        }
        uint32_t unknown = flags & 0xFFFFu & ~MB_FLAGS_KNOWN;
        if (unknown != 0) {
            snprintf(err, errlen,
                     "multiboot header requires features softkvm does not provide (flags 0x%x)",
                     unknown);
            return -ENOEXEC;
        }
        *h = (struct multiboot_header){.offset = off, .flags = flags};
        if (flags & MB_FLAG_AOUT) {
            if (off + 32 > len) {
                snprintf(err, errlen, "multiboot header's address fields are truncated");
                return -ENOEXEC;
            }
            h->header_addr = le32(buf + off + 12);
            h->load_addr = le32(buf + off + 16);
            h->load_end_addr = le32(buf + off + 20);
            h->bss_end_addr = le32(buf + off + 24);
            h->entry_addr = le32(buf + off + 28);
        }
        return 1;
    }
    return 0;
}

/* The a.out kludge: the file from the header's position backwards to load_addr is loaded at
 * load_addr, up to load_end_addr (0: the end of the file), then zeroed up to bss_end_addr. */
static int aout_image(uint64_t len, const struct multiboot_header *h, struct elf_image *img,
                      char *err, size_t errlen)
{
    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset) {
        snprintf(err, errlen,
                 "multiboot header_addr 0x%x and load_addr 0x%x do not fit the header's place "
                 "in the file",
                 h->header_addr, h->load_addr);
        return -ENOEXEC;
    }
    uint64_t file_off = h->offset - (h->header_addr - h->load_addr);
    uint64_t filesz =
        h->load_end_addr != 0 ? (uint64_t)h->load_end_addr - h->load_addr : len - file_off;
    if (h->load_end_addr != 0 && h->load_end_addr < h->load_addr) {
        snprintf(err, errlen, "multiboot load_end_addr 0x%x is below load_addr 0x%x",
                 h->load_end_addr, h->load_addr);
        return -ENOEXEC;
    }
    if (filesz > len - file_off) {
        snprintf(err, errlen, "multiboot kernel is truncated: load_end_addr 0x%x is past the file",
                 h->load_end_addr);
        return -ENOEXEC;
    }
    uint64_t memsz = filesz;
    if (h->bss_end_addr != 0) {
        if ((uint64_t)h->bss_end_addr < h->load_addr + filesz) {
            snprintf(err, errlen, "multiboot bss_end_addr 0x%x is below the loaded image",
                     h->bss_end_addr);
            return -ENOEXEC;
        }
        memsz = (uint64_t)h->bss_end_addr - h->load_addr;
    }
    memset(img, 0, sizeof(*img));
    img->machine = EM_386;
    img->elf_class = 1;
    img->data = 1;
    img->entry = h->entry_addr;
    img->nseg = 1;
    img->seg[0] = (struct elf_segment){h->load_addr, file_off, filesz, memsz};
    if (memsz == 0) {
        snprintf(err, errlen, "multiboot kernel loads nothing (load_end_addr = load_addr)");
        return -ENOEXEC;
    }
    return 0;
}

int multiboot_image(const uint8_t *buf, uint64_t len, const struct multiboot_header *h,
                    struct elf_image *img, char *err, size_t errlen)
{
    if (h->flags & MB_FLAG_AOUT)
        return aout_image(len, h, img, err, errlen);
    char why[200];
    if (elf_parse(buf, len, img, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "multiboot kernel without load addresses must be ELF: %s", why);
        return -ENOEXEC;
    }
    if (img->data != 1 || (img->machine != EM_386 && img->machine != EM_X86_64)) {
        snprintf(err, errlen, "multiboot kernel is an ELF for machine %u, not x86", img->machine);
        return -ENOEXEC;
    }
    return 0;
}

/* The PVH note inside one note segment [p, p + n). */
static int note_entry(const uint8_t *p, uint64_t n, bool is64, uint64_t *entry)
{
    uint64_t at = 0;
    while (n - at >= 12) {
        uint32_t namesz = le32(p + at), descsz = le32(p + at + 4), type = le32(p + at + 8);
        uint64_t name_pad = ((uint64_t)namesz + 3) & ~3ULL,
                 desc_pad = ((uint64_t)descsz + 3) & ~3ULL;
        if (name_pad > n - at - 12 || desc_pad > n - at - 12 - name_pad)
            return 0;
        const uint8_t *name = p + at + 12, *desc = name + name_pad;
        if (type == 18 && namesz == 4 && memcmp(name, "Xen", 4) == 0 && descsz >= 4) {
            *entry = descsz >= 8 && is64 ? le64(desc) : le32(desc);
            return 1;
        }
        at += 12 + name_pad + desc_pad;
    }
    return 0;
}

int pvh_find_entry(const uint8_t *buf, uint64_t len, uint64_t *entry)
{
    if (len < 64 || memcmp(buf, "\177ELF", 4) != 0 || buf[5] != 1)
        return 0;
    bool is64 = buf[4] == 2;
    uint64_t phoff = is64 ? le64(buf + 32) : le32(buf + 28);
    uint64_t phentsize = buf[is64 ? 54 : 42] | (uint64_t)buf[is64 ? 55 : 43] << 8;
    uint64_t phnum = buf[is64 ? 56 : 44] | (uint64_t)buf[is64 ? 57 : 45] << 8;
    if (phentsize != (is64 ? 56u : 32u) || phoff > len || phnum * phentsize > len - phoff)
        return 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + i * phentsize;
        if (le32(ph) != PT_NOTE)
            continue;
        uint64_t off = is64 ? le64(ph + 8) : le32(ph + 4);
        uint64_t sz = is64 ? le64(ph + 32) : le32(ph + 16);
        if (off > len || sz > len - off)
            continue;
        if (note_entry(buf + off, sz, is64, entry))
            return 1;
    }
    return 0;
}

/* A little-endian writer into a bounded buffer; any overflow marks it failed. */
struct wbuf {
    uint8_t *p;
    size_t cap, used;
    bool full;
};

static uint32_t put(struct wbuf *w, const void *src, size_t n, size_t align)
{
    size_t at = (w->used + align - 1) & ~(align - 1);
    if (at > w->cap || n > w->cap - at) {
        w->full = true;
        return 0;
    }
    memset(w->p + w->used, 0, at - w->used);
    memcpy(w->p + at, src, n);
    w->used = at + n;
    return (uint32_t)at;
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* mem_lower / mem_upper in KiB: RAM from 0 (at most 640 KiB) and from 1 MiB (contiguous). */
static void mem_sizes(const struct boot_info_params *p, uint32_t *lower, uint32_t *upper)
{
    *lower = *upper = 0;
    for (unsigned i = 0; i < p->ne820; i++) {
        const struct e820_entry *e = &p->e820[i];
        if (e->type != E820_RAM)
            continue;
        if (e->addr == 0)
            *lower = (uint32_t)((e->size < 0xA0000 ? e->size : 0xA0000) >> 10);
        if (e->addr == 0x100000)
            *upper = (uint32_t)((e->size >> 10) > 0xFFFFFFFFu ? 0xFFFFFFFFu : e->size >> 10);
    }
}

long multiboot_build_info(uint8_t *buf, size_t cap, const struct boot_info_params *p)
{
    struct wbuf w = {buf, cap, 0, false};
    uint8_t info[88] = {0};
    put(&w, info, sizeof(info), 4); /* filled in below, at offset 0 */
    uint32_t cmd = put(&w, p->cmdline, strlen(p->cmdline) + 1, 1);
    uint32_t name = put(&w, "softkvm", 8, 1);
    uint32_t mods = 0, nmods = 0;
    if (p->module_end != 0) {
        uint32_t str = put(&w, p->module_string, strlen(p->module_string) + 1, 1);
        uint8_t mod[16] = {0};
        st32(mod, p->module_start);
        st32(mod + 4, p->module_end);
        st32(mod + 8, p->base + str);
        mods = put(&w, mod, sizeof(mod), 4);
        nmods = 1;
    }
    uint32_t mmap = 0;
    for (unsigned i = 0; i < p->ne820; i++) {
        uint8_t e[24];
        st32(e, 20); /* size of the rest of the entry */
        st64(e + 4, p->e820[i].addr);
        st64(e + 12, p->e820[i].size);
        st32(e + 20, p->e820[i].type);
        uint32_t at = put(&w, e, sizeof(e), 4); /* 24-byte entries stay 4-byte aligned */
        if (i == 0)
            mmap = at;
    }
    if (w.full)
        return -ENOSPC;
    uint32_t lower, upper;
    mem_sizes(p, &lower, &upper);
    uint32_t flags = 1u << 0 | 1u << 2 | 1u << 3 | 1u << 6 | 1u << 9;
    st32(buf + 0, flags);
    st32(buf + 4, lower);
    st32(buf + 8, upper);
    st32(buf + 12, 0xFFFFFFFFu); /* boot_device: none (flag bit 1 clear anyway) */
    st32(buf + 16, p->base + cmd);
    st32(buf + 20, nmods);
    st32(buf + 24, nmods ? p->base + mods : 0);
    st32(buf + 44, p->ne820 * 24);
    st32(buf + 48, p->ne820 ? p->base + mmap : 0);
    st32(buf + 64, p->base + name);
    return (long)w.used;
}

long pvh_build_start_info(uint8_t *buf, size_t cap, const struct boot_info_params *p)
{
    struct wbuf w = {buf, cap, 0, false};
    uint8_t info[56] = {0};
    put(&w, info, sizeof(info), 8);
    uint32_t cmd = put(&w, p->cmdline, strlen(p->cmdline) + 1, 1);
    uint32_t mods = 0, nmods = 0;
    if (p->module_end != 0) {
        uint32_t str = put(&w, p->module_string, strlen(p->module_string) + 1, 1);
        uint8_t mod[32] = {0}; /* hvm_modlist_entry: paddr, size, cmdline_paddr, reserved */
        st64(mod, p->module_start);
        st64(mod + 8, p->module_end - p->module_start);
        st64(mod + 16, p->base + str);
        mods = put(&w, mod, sizeof(mod), 8);
        nmods = 1;
    }
    uint32_t mmap = 0;
    for (unsigned i = 0; i < p->ne820; i++) {
        uint8_t e[24] = {0}; /* hvm_memmap_table_entry: addr, size, type, reserved */
        st64(e, p->e820[i].addr);
        st64(e + 8, p->e820[i].size);
        st32(e + 16, p->e820[i].type);
        uint32_t at = put(&w, e, sizeof(e), 8);
        if (i == 0)
            mmap = at;
    }
    if (w.full)
        return -ENOSPC;
    st32(buf + 0, PVH_START_MAGIC);
    st32(buf + 4, PVH_START_VERSION);
    st32(buf + 8, 0); /* flags */
    st32(buf + 12, nmods);
    st64(buf + 16, nmods ? p->base + mods : 0);
    st64(buf + 24, p->base + cmd);
    st64(buf + 32, p->rsdp);
    st64(buf + 40, p->ne820 ? p->base + mmap : 0);
    st32(buf + 48, p->ne820);
    return (long)w.used;
}
