/* x86-64 boot: identity page tables, GDT, boot information block and the entry registers. */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/board.h"
#include "softkvm/boot_info.h"

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_PS (1ULL << 7)
#define MIB2   (2ULL << 20)

struct pt_alloc {
    struct gmem *mem;
    gpa_t next;
};

/* A zeroed page-table page from the boot area, or 0 when it is exhausted. */
static gpa_t pt_page(struct pt_alloc *a)
{
    if (a->next >= X86_PT_END)
        return 0;
    gpa_t p = a->next;
    a->next += SKVM_PAGE_SIZE;
    memset(gmem_ptr(a->mem, p, SKVM_PAGE_SIZE), 0, SKVM_PAGE_SIZE);
    return p;
}

/* The entry at index idx of table, pointing to a new or existing next-level table. */
static gpa_t pt_next(struct pt_alloc *a, gpa_t table, unsigned idx)
{
    uint64_t e;
    gmem_read_le64(a->mem, table + idx * 8ULL, &e);
    if (e & PTE_P)
        return e & 0x000FFFFFFFFFF000ULL;
    gpa_t p = pt_page(a);
    if (p != 0)
        gmem_write_le64(a->mem, table + idx * 8ULL, p | PTE_P | PTE_W);
    return p;
}

/* Map [addr, addr + len) to itself: 2 MiB pages where aligned, 4 KiB pages elsewhere. */
static int map_identity(struct pt_alloc *a, gpa_t pml4, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    while (addr < end) {
        gpa_t pdpt = pt_next(a, pml4, (addr >> 39) & 511);
        gpa_t pd = pdpt ? pt_next(a, pdpt, (addr >> 30) & 511) : 0;
        if (pd == 0)
            return -ENOSPC;
        if ((addr & (MIB2 - 1)) == 0 && end - addr >= MIB2) {
            gmem_write_le64(a->mem, pd + ((addr >> 21) & 511) * 8, addr | PTE_P | PTE_W | PTE_PS);
            addr += MIB2;
            continue;
        }
        gpa_t pt = pt_next(a, pd, (addr >> 21) & 511);
        if (pt == 0)
            return -ENOSPC;
        gmem_write_le64(a->mem, pt + ((addr >> 12) & 511) * 8, addr | PTE_P | PTE_W);
        addr += SKVM_PAGE_SIZE;
    }
    return 0;
}

/* The AP startup stub, entered in the engine's power-on state (64-bit mode, paging off, EFER.LMA
 * set) with BX = STARTUP vector << 8 and RSP in the stub page. It turns paging on (so that
 * turning it off can clear LMA), goes to 32-bit code, turns paging, LME and PAE off, goes to a
 * 16-bit segment, clears CR0.PE, loads real-mode segments 0 and far-returns to BX:0000.
 * Assembled from the listing below at X86_AP_STUB (0x4000); GDT at 0x4098. */
/* clang-format off */
static const uint8_t ap_stub[] = {
    0xb8, 0x00, 0x50, 0x00, 0x00,             /* mov $0x5000, %eax */
    0x0f, 0x22, 0xd8,                         /* mov %rax, %cr3 */
    0x0f, 0x20, 0xe0,                         /* mov %cr4, %rax */
    0x83, 0xc8, 0x20,                         /* or $0x20, %eax (PAE) */
    0x0f, 0x22, 0xe0,                         /* mov %rax, %cr4 */
    0x0f, 0x20, 0xc0,                         /* mov %cr0, %rax */
    0x0d, 0x01, 0x00, 0x00, 0x80,             /* or $0x80000001, %eax (PG, PE) */
    0x0f, 0x22, 0xc0,                         /* mov %rax, %cr0 */
    0x0f, 0x01, 0x15, 0x9d, 0x00, 0x00, 0x00, /* lgdt gdtr(%rip) */
    0x6a, 0x08,                               /* push $0x08 */
    0x48, 0x8d, 0x05, 0x03, 0x00, 0x00, 0x00, /* lea compat(%rip), %rax */
    0x50,                                     /* push %rax */
    0x48, 0xcb,                               /* lretq */
    /* compat (.code32) at 0x402f */
    0x0f, 0x20, 0xc0,                         /* mov %cr0, %eax */
    0x25, 0xff, 0xff, 0xff, 0x7f,             /* and $0x7fffffff, %eax (PG off: LMA = 0) */
    0x0f, 0x22, 0xc0,                         /* mov %eax, %cr0 */
    0xb9, 0x80, 0x00, 0x00, 0xc0,             /* mov $0xc0000080, %ecx (EFER) */
    0x0f, 0x32,                               /* rdmsr */
    0x25, 0xff, 0xfe, 0xff, 0xff,             /* and $0xfffffeff, %eax (LME off) */
    0x0f, 0x30,                               /* wrmsr */
    0x0f, 0x20, 0xe0,                         /* mov %cr4, %eax */
    0x83, 0xe0, 0xdf,                         /* and $0xffffffdf, %eax (PAE off) */
    0x0f, 0x22, 0xe0,                         /* mov %eax, %cr4 */
    0xea, 0x58, 0x40, 0x00, 0x00, 0x18, 0x00, /* ljmp $0x18, $0x4058 */
    /* code16 (.code16) at 0x4058 */
    0xb8, 0x20, 0x00,                         /* mov $0x20, %ax */
    0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0,       /* mov %ax, %ds; %es; %ss */
    0x8e, 0xe0, 0x8e, 0xe8,                   /* mov %ax, %fs; %gs */
    0x0f, 0x20, 0xc0,                         /* mov %cr0, %eax */
    0x66, 0x25, 0xfe, 0xff, 0xff, 0x7f,       /* and $0x7ffffffe, %eax (PE off) */
    0x0f, 0x22, 0xc0,                         /* mov %eax, %cr0 */
    0xea, 0x76, 0x40, 0x00, 0x00,             /* ljmp $0x0, $0x4076 */
    /* real at 0x4076 */
    0x31, 0xc0,                               /* xor %ax, %ax */
    0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0,       /* mov %ax, %ds; %es; %ss */
    0x8e, 0xe0, 0x8e, 0xe8,                   /* mov %ax, %fs; %gs */
    0xbc, 0xf0, 0x4f,                         /* mov $0x4ff0, %sp */
    0x53,                                     /* push %bx (segment) */
    0x6a, 0x00,                               /* push $0 (offset) */
    0x66, 0x31, 0xc0, 0x66, 0x31, 0xdb,       /* xor %eax, %eax; xor %ebx, %ebx */
    0x66, 0x31, 0xc9, 0x66, 0x31, 0xd2,       /* xor %ecx, %ecx; xor %edx, %edx */
    0xcb,                                     /* lret: to BX:0000 */
    0x8d, 0x74, 0x00,                         /* (padding) */
    /* gdt at 0x4098 */
    0, 0, 0, 0, 0, 0, 0, 0,                         /* null */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00, /* 0x08: 32-bit code */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00, /* 0x10: 32-bit data */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0x00, 0x00, /* 0x18: 16-bit code, limit 64 KiB */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0x00, 0x00, /* 0x20: 16-bit data, limit 64 KiB */
    /* gdtr at 0x40c0 */
    0x27, 0x00, 0x98, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* clang-format on */

void x86_write_ap_stub(struct vm *vm)
{
    gmem_write(&vm->mem, X86_AP_STUB, ap_stub, sizeof(ap_stub));
    /* Identity map of the first 2 MiB for the stub: PML4 -> PDPT -> one 2 MiB page. */
    gmem_write_le64(&vm->mem, X86_AP_PT, (X86_AP_PT + 0x1000) | PTE_P | PTE_W);
    gmem_write_le64(&vm->mem, X86_AP_PT + 0x1000, (X86_AP_PT + 0x2000) | PTE_P | PTE_W);
    gmem_write_le64(&vm->mem, X86_AP_PT + 0x2000, PTE_P | PTE_W | PTE_PS);
}

static int write_boot_info(struct vm *vm)
{
    struct e820_entry e820[SKVM_MEM_MAP_MAX];
    int n = region_list_e820(&vm->regions, e820, SKVM_MEM_MAP_MAX);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        struct skvm_mem_entry me = {e820[i].addr, e820[i].size, e820[i].type, 0};
        if (gmem_write(&vm->mem, X86_MEM_MAP + (uint64_t)i * sizeof(me), &me, sizeof(me)) != 0)
            return -EFAULT;
    }
    struct skvm_boot_info bi = {
        .magic = SKVM_BOOT_MAGIC,
        .version = SKVM_BOOT_VERSION,
        .ram_size = vm->mem.size,
        .ncpus = vm->ncpus,
        .flags = vm->cfg.vendor == VENDOR_AMD ? SKVM_BOOT_X86_VMMCALL : 0,
        .test_device = X86_TESTDEV,
        .boot_area_end = X86_BOOT_END,
        .page_tables = X86_PT_BASE,
        .mem_map = X86_MEM_MAP,
        .mem_map_entries = (uint32_t)n,
    };
    return gmem_write(&vm->mem, X86_BOOT_INFO, &bi, sizeof(bi)); /* little-endian like us */
}

int x86_boot(struct vm *vm, char *err, size_t errlen)
{
    if (vm->boot != BOOT_NATIVE || strcmp(vm->board->name, "softkvm") != 0)
        return x86_boot_pc(vm, err, errlen);
    struct pt_alloc a = {&vm->mem, X86_PT_BASE};
    gpa_t pml4 = pt_page(&a);
    int rc = 0;
    for (unsigned i = 0; i < vm->mem.nslots && rc == 0; i++)
        rc = map_identity(&a, pml4, vm->mem.slots[i].gpa, vm->mem.slots[i].size);
    if (rc != 0 || map_identity(&a, pml4, X86_TESTDEV, SKVM_PAGE_SIZE) != 0 ||
        map_identity(&a, pml4, LAPIC_BASE, SKVM_PAGE_SIZE) != 0) {
        snprintf(err, errlen, "page tables for %llu MiB do not fit in the boot area",
                 (unsigned long long)(vm->mem.size >> 20));
        return -ENOSPC;
    }
    static const uint64_t gdt[] = {
        0, 0x00AF9A000000FFFFULL, /* 0x08: 64-bit code, DPL 0 */
        0x00CF92000000FFFFULL,    /* 0x10: data, DPL 0 */
        0x00CF9A000000FFFFULL,    /* 0x18: 32-bit code, DPL 0 */
    };
    for (unsigned i = 0; i < 4; i++)
        gmem_write_le64(&vm->mem, X86_GDT + i * 8, gdt[i]);
    if (write_boot_info(vm) != 0) {
        snprintf(err, errlen, "the memory map does not fit in the boot information block");
        return -ENOSPC;
    }
    if (vm->ncpus > 1)
        x86_write_ap_stub(vm);
    for (unsigned i = 1; i < vm->ncpus; i++)
        vm->vcpus[i].state = VCPU_STOPPED; /* APs wait for INIT, then STARTUP */

    uc_engine *uc = vm->uc;
    uint64_t cr4 = 0x620, cr3 = X86_PT_BASE, cr0 = 0x80010033;
    uc_x86_msr efer = {.rid = 0xC0000080, .value = 0xD00};
    uc_x86_mmr gdtr = {.base = X86_GDT, .limit = sizeof(gdt) - 1};
    uc_x86_mmr idtr = {.base = 0, .limit = 0};
    uint64_t cs = X86_SEL_CODE64, ds = X86_SEL_DATA, zero = 0, rflags = 2;
    uint64_t rsp = X86_STACK_TOP, rdi = X86_BOOT_INFO, rip = vm->entry;
    uc_err e = uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_CR3, &cr3);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_MSR, &efer);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_CR0, &cr0);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_IDTR, &idtr);
    static const int ids[] = {UC_X86_REG_CS,  UC_X86_REG_DS,     UC_X86_REG_ES,
                              UC_X86_REG_SS,  UC_X86_REG_RSP,    UC_X86_REG_RDI,
                              UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_RAX};
    const void *vals[] = {&cs, &ds, &ds, &ds, &rsp, &rdi, &rip, &rflags, &zero};
    if (e == UC_ERR_OK)
        e = uc_reg_write_batch(uc, ids, (void *const *)vals, 9);
    static const int gprs[] = {UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
                               UC_X86_REG_RBP, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10,
                               UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
                               UC_X86_REG_R15};
    for (unsigned i = 0; e == UC_ERR_OK && i < sizeof(gprs) / sizeof(gprs[0]); i++)
        e = uc_reg_write(uc, gprs[i], &zero);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused the x86 boot state: %s", uc_strerror(e));
        return -ENOTSUP;
    }
    if (uc_ctl_flush_tlb(uc) != UC_ERR_OK ||
        (vm->ncpus > 1 && uc_context_save(uc, vm->vcpus[0].ctx) != UC_ERR_OK)) {
        snprintf(err, errlen, "Unicorn refused to save the x86 boot state");
        return -ENOTSUP;
    }
    return 0;
}
