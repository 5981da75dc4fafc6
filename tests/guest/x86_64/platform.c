/* Guest test: the contract of docs/platform.md: entry state, boot info, memory, devices. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

FAULT_CASE(rd_byte, "", "movzbl (%rdi), %eax")

#define MIB (1ul << 20)

/* Decoded fields of a code/data descriptor. */
static unsigned desc_access(uint64_t d)
{
    return (unsigned)(d >> 40) & 0xFF;
}

static unsigned desc_flags(uint64_t d)
{
    return (unsigned)(d >> 52) & 0xF; /* AVL, L, D/B, G */
}

static void check_entry_state(void)
{
    const struct x86_entry_state *e = &x86_entry_state;
    gprintf("entry: rip via e_entry, rdi 0x%lx rsp 0x%lx rflags 0x%lx\n", e->rdi, e->rsp,
            e->rflags);
    gprintf("entry: cr0 0x%lx cr2 0x%lx cr3 0x%lx cr4 0x%lx efer 0x%lx\n", e->cr0, e->cr2, e->cr3,
            e->cr4, e->efer);
    gprintf("entry: cs 0x%lx ds 0x%lx es 0x%lx ss 0x%lx fs 0x%lx gs 0x%lx tr 0x%lx\n", e->cs, e->ds,
            e->es, e->ss, e->fs, e->gs, e->tr);
    gprintf("entry: gdtr 0x%lx/%u idtr 0x%lx/%u\n", e->gdtr.base, e->gdtr.limit, e->idtr.base,
            e->idtr.limit);
    gprintf("check: entry registers as documented\n");
    EXPECT_EQ(e->rdi, 0x1000);
    EXPECT_EQ(e->rsp, 0x9FFF0);
    EXPECT_EQ(e->rflags, 0x2);
    EXPECT_EQ(e->cs, 0x08);
    EXPECT_EQ(e->ds, 0x10);
    EXPECT_EQ(e->es, 0x10);
    EXPECT_EQ(e->ss, 0x10);
    EXPECT_EQ(e->fs, 0);
    EXPECT_EQ(e->gs, 0);
    EXPECT_EQ(e->cr0, 0x80010033);
    EXPECT_EQ(e->cr4, 0x620);
    EXPECT_EQ(e->efer, 0xD00);
    EXPECT_EQ(e->cr3, 0x10000);
    EXPECT_EQ(e->gdtr.base, 0x2000);
    EXPECT_EQ(e->gdtr.limit, 31);
    EXPECT_EQ(e->idtr.limit, 0);
    gprintf("check: other GPRs are 0\n");
    EXPECT_EQ(e->rax, 0);
    EXPECT_EQ(e->rbx, 0);
    EXPECT_EQ(e->rcx, 0);
    EXPECT_EQ(e->rdx, 0);
    EXPECT_EQ(e->rsi, 0);
    EXPECT_EQ(e->rbp, 0);
    EXPECT_EQ(e->r8, 0);
    EXPECT_EQ(e->r9, 0);
    EXPECT_EQ(e->r10, 0);
    EXPECT_EQ(e->r11, 0);
    EXPECT_EQ(e->r12, 0);
    EXPECT_EQ(e->r13, 0);
    EXPECT_EQ(e->r14, 0);
    EXPECT_EQ(e->r15, 0);
}

static void check_boot_gdt(void)
{
    const uint64_t *gdt = (const uint64_t *)0x2000;
    gprintf("boot GDT: %016lx %016lx %016lx %016lx\n", gdt[0], gdt[1], gdt[2], gdt[3]);
    gprintf("check: boot GDT: null, 64-bit code DPL 0, data DPL 0, 32-bit code DPL 0\n");
    EXPECT_EQ(gdt[0], 0);
    /* access: P (0x80), DPL 0, S (0x10), code (0x08); flags: L (0x2) without D (0x4) */
    EXPECT_EQ(desc_access(gdt[1]) & 0xF8, 0x98);
    EXPECT_EQ(desc_flags(gdt[1]) & 0x6, 0x2);
    EXPECT_EQ(desc_access(gdt[2]) & 0xFA, 0x92); /* P, DPL 0, S, data, writable */
    EXPECT_EQ(desc_access(gdt[3]) & 0xF8, 0x98);
    EXPECT_EQ(desc_flags(gdt[3]) & 0x6, 0x4); /* D, not L */
}

/* Where RAM ends below 4 GiB and where it ends overall, from the memory map. */
static uint64_t low_end, ram_end;

static void check_mem_map(const struct skvm_boot_info *bi)
{
    const struct skvm_mem_entry *m = (const struct skvm_mem_entry *)(uintptr_t)bi->mem_map;
    unsigned n = bi->mem_map_entries;
    gprintf("check: memory map at 0x%lx, %u entries: boot area reserved, RAM from 1 MiB to at "
            "most 3 GiB, the rest from 4 GiB\n",
            bi->mem_map, n);
    EXPECT_EQ(bi->mem_map, 0x1040);
    uint64_t low = bi->ram_size < 3072 * MIB ? bi->ram_size : 3072 * MIB;
    uint64_t high = bi->ram_size - low;
    EXPECT_EQ(n, high ? 3 : 2);
    for (unsigned i = 0; i < n; i++)
        gprintf("  [%u] 0x%lx-0x%lx type %u\n", i, m[i].addr, m[i].addr + m[i].size - 1, m[i].type);
    EXPECT_EQ(m[0].addr, 0);
    EXPECT_EQ(m[0].size, MIB);
    EXPECT_EQ(m[0].type, SKVM_MEM_RESERVED);
    EXPECT_EQ(m[1].addr, MIB);
    EXPECT_EQ(m[1].size, low - MIB);
    EXPECT_EQ(m[1].type, SKVM_MEM_RAM);
    low_end = ram_end = low;
    if (high) {
        EXPECT_EQ(m[2].addr, 4096 * MIB);
        EXPECT_EQ(m[2].size, high);
        EXPECT_EQ(m[2].type, SKVM_MEM_RAM);
        ram_end = 4096 * MIB + high;
    }
}

static void check_boot_info(const struct skvm_boot_info *bi)
{
    gprintf("boot info: magic 0x%x version %u ram %lu MiB (0x%lx) ncpus %u flags 0x%x\n", bi->magic,
            bi->version, (unsigned long)(bi->ram_size / MIB), bi->ram_size, bi->ncpus, bi->flags);
    gprintf("boot info: testdev 0x%lx boot_area_end 0x%lx pml4 0x%lx\n", bi->testdev_base,
            bi->boot_area_end, bi->x86_pml4);
    gprintf("check: boot info block fields\n");
    EXPECT_EQ((uintptr_t)bi, 0x1000);
    EXPECT_EQ(bi->magic, SKVM_BOOT_MAGIC);
    CHECK(memcmp(bi, "SKVM", 4) == 0);
    EXPECT_EQ(bi->version, SKVM_BOOT_VERSION);
    EXPECT_EQ(bi->ram_size % MIB, 0);
    CHECK(bi->ram_size >= 2 * MIB);
    EXPECT_EQ(bi->ncpus, 1);
    EXPECT_EQ(bi->flags & ~SKVM_BOOT_F_X86_VMMCALL, 0);
    EXPECT_EQ(bi->testdev_base, SKVM_TESTDEV_BASE);
    EXPECT_EQ(bi->boot_area_end, 0x100000);
    EXPECT_EQ(bi->x86_pml4, 0x10000);
    CHECK((uintptr_t)__kernel_start >= bi->boot_area_end);
}

/* Walk softkvm's tables (identity-mapped, so physical addresses can be dereferenced). Returns the
 * leaf entry and its size, or 0. */
static uint64_t boot_walk(uint64_t pml4, uint64_t va, uint64_t *size, bool *user)
{
    uint64_t table = pml4;
    *user = true;
    for (int level = 4; level >= 1; level--) {
        uint64_t e = ((const uint64_t *)(uintptr_t)table)[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & X86_PTE_P))
            return 0;
        *user = *user && (e & X86_PTE_U);
        if (level == 1 || (level <= 3 && (e & X86_PTE_PS))) {
            *size = 1ul << (12 + 9 * (level - 1));
            return e;
        }
        table = e & X86_PTE_ADDR;
    }
    return 0;
}

static void check_boot_page_tables(const struct skvm_boot_info *bi)
{
    gprintf("check: softkvm's tables identity-map RAM (2 MiB pages, 4 KiB for a tail) and the "
            "test device, present, writable, supervisor, executable\n");
    uint64_t probes[] = {0,
                         0x1000,
                         0x100000,
                         0x200000,
                         low_end / 2,
                         (low_end - 1) & ~0xFFFul,
                         (ram_end - 1) & ~0xFFFul,
                         SKVM_TESTDEV_BASE};
    for (unsigned i = 0; i < ARRAY_SIZE(probes); i++) {
        uint64_t va = probes[i], size = 0;
        bool user;
        uint64_t e = boot_walk(bi->x86_pml4, va, &size, &user);
        gprintf("  0x%lx: entry 0x%lx, page size 0x%lx%s\n", va, e, size, user ? " (user)" : "");
        CHECK(e & X86_PTE_P);
        CHECK(e & X86_PTE_W);
        CHECK(!user);
        CHECK(!(e & X86_PTE_NX));
        EXPECT_EQ((e & X86_PTE_ADDR & ~(size - 1)) + (va & (size - 1)), va);
        uint64_t range_end = va < low_end ? low_end : ram_end;
        bool tail = (va & ~(2 * MIB - 1)) + 2 * MIB > range_end;
        if (va == SKVM_TESTDEV_BASE || tail)
            EXPECT_EQ(size, 4096);
        else
            EXPECT_EQ(size, 2 * MIB);
    }
    uint64_t size;
    bool user;
    gprintf("check: nothing is mapped right after RAM or after the test-device page\n");
    EXPECT_EQ(boot_walk(bi->x86_pml4, ram_end, &size, &user), 0);
    if (ram_end != low_end) /* the hole below 4 GiB is not RAM */
        EXPECT_EQ(boot_walk(bi->x86_pml4, low_end, &size, &user), 0);
    EXPECT_EQ(boot_walk(bi->x86_pml4, SKVM_TESTDEV_BASE + 0x1000, &size, &user), 0);
}

static void check_memory(void)
{
    gprintf("check: the last 8 bytes of RAM are readable and writable\n");
    volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(ram_end - 8);
    *last = 0x1122334455667788ul;
    EXPECT_EQ(*last, 0x1122334455667788ul);
    gprintf("check: page 0 and the boot stack are mapped RAM\n");
    EXPECT_EQ(run_case(rd_byte_fn, NULL, 0x10), 0);
    EXPECT_EQ(trap_total(), 0);

    gprintf("check: the first byte past RAM is not mapped: #PF, CR2 = RAM size\n");
    run_case(rd_byte_fn, rd_byte_resume, ram_end);
    EXPECT_EQ(trap_count[X86_VEC_PF], 1);
    EXPECT_EQ(trap_last.cr2, ram_end);
    EXPECT_EQ(trap_last.frame.error_code, 0);

    /* (That the page after the test device is unmapped is checked on softkvm's tables above;
     * one #PF per run keeps this test independent of double-fault bookkeeping, which
     * exc_pf/exc_gp/exc_de_bp exercise.) */
    gprintf("check: the test device reads as 0\n");
    volatile uint32_t *td = (volatile uint32_t *)SKVM_TESTDEV_BASE;
    EXPECT_EQ(td[0], 0);
    EXPECT_EQ(td[1], 0);
    EXPECT_EQ(td[0x100], 0);
}

static void check_ports(void)
{
    gprintf("check: UART LSR reads 0x60; unassigned ports read as all ones\n");
    EXPECT_EQ(x86_inb(0x3FD), 0x60);
    EXPECT_EQ(x86_inb(0x80), 0xFF);
    EXPECT_EQ(x86_inb(0x2F8), 0xFF);
    EXPECT_EQ(x86_inl(0xCF8), 0xFFFFFFFFu);
    x86_outb(0x80, 0x12); /* ignored */
    x86_outl(0x1234, 0xDEADBEEF);

    const char *msg = "testdev console works\n";
    while (*msg)
        testdev_putc(*msg++);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_platform");
    check_entry_state();
    check_boot_gdt();
    check_boot_info(bi);
    check_mem_map(bi);
    check_boot_page_tables(bi);

    /* The rest needs an IDT (faults are expected) but keeps softkvm's page tables. */
    x86_init(bi, false);
    trap_register(X86_VEC_PF, trap_record_handler);
    check_memory();
    check_ports();
    gprintf("ram %lu MiB\n", (unsigned long)(bi->ram_size / MIB));
    test_done();
}
