/* pc board: a multiboot (or, with --boot pvh, PVH) kernel checks its entry state and what the
 * loader told it: memory, command line, module, memory map. Runs on QEMU's pc the same way. */
#include "guest/pc/pc.h"

#define MIB (1024u * 1024u)

static const char *find(const char *hay, const char *needle)
{
    for (; *hay; hay++) {
        const char *h = hay, *n = needle;
        while (*n && *h == *n)
            h++, n++;
        if (*n == 0)
            return hay;
    }
    return 0;
}

static void check_cpu(void)
{
    uint32_t cr0, eflags;
    uint16_t cs, ds;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("pushf; pop %0" : "=r"(eflags));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    gprintf("check: 32-bit protected mode, paging off, interrupts off\n");
    CHECK(cr0 & 1);
    CHECK(!(cr0 & 0x80000000u));
    CHECK(!(eflags & 0x200));
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    const uint64_t *gdt = (const uint64_t *)(uintptr_t)gdtr.base;
    uint64_t d = gdt[cs >> 3], dd = gdt[ds >> 3];
    gprintf("check: CS and DS are flat 4 GiB segments (32-bit code, writable data)\n");
    CHECK((d & 0x00CF9A000000FFFFull) == 0x00CF9A000000FFFFull); /* base 0, G, D, code */
    CHECK(((d >> 16) & 0xFFFFFF) == 0 && (d >> 56) == 0);
    CHECK((dd & 0x00CF92000000FFFFull) == 0x00CF92000000FFFFull);
}

static void check_module(uint32_t start, uint32_t end, const char *string)
{
    static const char want[] = "softkvm initrd test payload\n";
    gprintf("check: module 0 is the --initrd file, page-aligned, with its string\n");
    EXPECT_EQ(start & 0xFFF, 0);
    EXPECT_EQ(end - start, sizeof(want) - 1);
    CHECK(memcmp((const void *)(uintptr_t)start, want, sizeof(want) - 1) == 0);
    CHECK(string != 0 && string[0] != 0);
}

static void check_multiboot(const struct mb_info *mb)
{
    gprintf("check: multiboot info flags: memory, command line, memory map\n");
    CHECK(mb->flags & (1u << 0));
    CHECK(mb->flags & (1u << 2));
    CHECK(mb->flags & (1u << 6));
    EXPECT_EQ(mb->mem_lower >= 600 && mb->mem_lower <= 640, 1);
    const char *cmdline = (const char *)(uintptr_t)mb->cmdline;
    gprintf("check: the command line ends with the --append text\n");
    const char *tok = find(cmdline, "token=42");
    CHECK(tok != 0 && tok[8] == 0);
    CHECK(cmdline[0] != ' '); /* the kernel's name comes first */
    gprintf("check: the memory map has RAM at 1 MiB matching mem_upper, and RAM at 0\n");
    uint32_t at = mb->mmap_addr, end = mb->mmap_addr + mb->mmap_length;
    unsigned ram_at_1m = 0, ram_at_0 = 0;
    while (at < end) {
        const struct mb_mmap *e = (const struct mb_mmap *)(uintptr_t)at;
        if (e->type == 1 && e->addr == MIB && e->len / 1024 == mb->mem_upper)
            ram_at_1m++;
        if (e->type == 1 && e->addr == 0 && e->len >= 600 * 1024)
            ram_at_0++;
        at += e->size + 4;
    }
    EXPECT_EQ(ram_at_1m, 1);
    EXPECT_EQ(ram_at_0, 1);
    EXPECT_EQ(mb->mem_upper, (64 - 1) * 1024); /* the tests run with -m 64 */
    if (mb->mods_count > 0) {
        const struct mb_module *m = (const struct mb_module *)(uintptr_t)mb->mods_addr;
        CHECK(mb->flags & (1u << 3));
        check_module(m->start, m->end, (const char *)(uintptr_t)m->string);
        gprintf("module: %u bytes\n", m->end - m->start);
    }
}

static void check_pvh(const struct hvm_start_info *si)
{
    gprintf("check: hvm_start_info version 1, command line, memory map\n");
    EXPECT_EQ(si->version >= 1, 1);
    const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
    CHECK(find(cmdline, "token=42") != 0);
    const struct hvm_memmap_entry *m = (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
    unsigned ram_at_1m = 0;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (m[i].type == 1 && m[i].addr == MIB && m[i].size == 63 * MIB)
            ram_at_1m++;
    EXPECT_EQ(ram_at_1m, 1);
    if (si->nr_modules > 0) {
        const uint64_t *mod = (const uint64_t *)(uintptr_t)si->modlist_paddr;
        check_module((uint32_t)mod[0], (uint32_t)(mod[0] + mod[1]),
                     (const char *)(uintptr_t)mod[2]);
        gprintf("module: %u bytes\n", (unsigned)mod[1]);
    }
}

int pc_main(uint32_t eax, uint32_t ebx)
{
    test_start("pc_boot_info");
    check_cpu();
    if (eax == 0x2BADB002u) {
        gprintf("booted by multiboot\n");
        check_multiboot((const struct mb_info *)(uintptr_t)ebx);
    } else if (*(const uint32_t *)(uintptr_t)ebx == 0x336ec578u) {
        gprintf("booted by PVH\n");
        check_pvh((const struct hvm_start_info *)(uintptr_t)ebx);
    } else {
        gprintf("FAIL: EAX 0x%x is not the multiboot magic and EBX has no hvm_start_info\n", eax);
        return 1;
    }
    test_done();
    return 0;
}
