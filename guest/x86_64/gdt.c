/* x86-64 guest GDT and 64-bit TSS: kernel/user code and data, 32-bit code, RSP0 and IST stacks. */
#include "guest/x86_64/x86.h"

uint64_t x86_gdt[X86_GDT_ENTRIES] __attribute__((aligned(16)));
struct x86_tss x86_tss __attribute__((aligned(16)));
uint8_t x86_rsp0_stack[X86_RSP0_STACK_SIZE] __attribute__((aligned(16)));
uint8_t x86_ist_stacks[7][X86_IST_STACK_SIZE] __attribute__((aligned(16)));

/* A flat code/data descriptor: base 0, limit 0xFFFFF pages. access: P, DPL, S, type (accessed
 * bit preset so the CPU need not write the GDT); flags: G, D/B, L. */
static uint64_t flat_desc(uint8_t access, uint8_t flags)
{
    return 0xFFFFull | ((uint64_t)access << 40) | ((uint64_t)(flags | 0x0F) << 48);
}

#define ACC_CODE_DPL0 0x9B /* P, DPL 0, S, execute/read, accessed */
#define ACC_DATA_DPL0 0x93 /* P, DPL 0, S, read/write, accessed */
#define ACC_CODE_DPL3 0xFB
#define ACC_DATA_DPL3 0xF3
#define FLG_64        0xA0 /* G, L */
#define FLG_32        0xC0 /* G, D/B */

void x86_gdt_init(void)
{
    memset(&x86_tss, 0, sizeof(x86_tss));
    x86_tss.rsp[0] = (uint64_t)(uintptr_t)(x86_rsp0_stack + X86_RSP0_STACK_SIZE);
    for (int i = 0; i < 7; i++)
        x86_tss.ist[i + 1] = (uint64_t)(uintptr_t)(x86_ist_stacks[i] + X86_IST_STACK_SIZE);
    x86_tss.iomap_base = sizeof(x86_tss); /* no I/O permission bitmap */

    x86_gdt[0] = 0;
    x86_gdt[X86_SEL_KCODE >> 3] = flat_desc(ACC_CODE_DPL0, FLG_64);
    x86_gdt[X86_SEL_KDATA >> 3] = flat_desc(ACC_DATA_DPL0, FLG_32);
    x86_gdt[X86_SEL_KCODE32 >> 3] = flat_desc(ACC_CODE_DPL0, FLG_32);
    x86_gdt[X86_SEL_UCODE >> 3] = flat_desc(ACC_CODE_DPL3, FLG_64);
    x86_gdt[X86_SEL_UDATA >> 3] = flat_desc(ACC_DATA_DPL3, FLG_32);
    x86_gdt[X86_SEL_UCODE32 >> 3] = flat_desc(ACC_CODE_DPL3, FLG_32);

    /* 16-byte system descriptor: type 9 (available 64-bit TSS), P, DPL 0, limit 103. */
    uint64_t base = (uint64_t)(uintptr_t)&x86_tss;
    uint64_t limit = sizeof(x86_tss) - 1;
    x86_gdt[X86_SEL_TSS >> 3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                                (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    x86_gdt[(X86_SEL_TSS >> 3) + 1] = base >> 32;

    struct x86_dtr gdtr = {sizeof(x86_gdt) - 1, (uint64_t)(uintptr_t)x86_gdt};
    __asm__ volatile(
        "lgdt %[gdtr]\n\t"
        "pushq %[cs]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n" /* reload CS from the new GDT */
        "1:\n\t"
        "movl %[ds], %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movl %%eax, %%fs\n\t"
        "movl %%eax, %%gs\n\t"
        "movw %[tss], %%ax\n\t"
        "ltr %%ax"
        :
        : [gdtr] "m"(gdtr), [cs] "i"(X86_SEL_KCODE), [ds] "i"(X86_SEL_KDATA), [tss] "i"(X86_SEL_TSS)
        : "rax", "memory");
}
