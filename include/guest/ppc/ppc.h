/* PowerPC guest support (ppc and ppc64): registers and SPRs, the entry state, exception vectors
 * and trap frames, problem state, the device tree, and softkvm's PowerPC devices. */
#ifndef GUEST_PPC_PPC_H
#define GUEST_PPC_PPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/softkvm_guest.h"

#ifdef __powerpc64__
#define PPC64 1
#else
#define PPC64 0
#endif

/* ---- MSR ---- */
#if PPC64
#define MSR_SF (1UL << 63)
#define MSR_HV (1UL << 60)
#else
#define MSR_SF 0UL /* no such bits on ppc */
#define MSR_HV 0UL
#endif
#define MSR_EE (1UL << 15)
#define MSR_PR (1UL << 14)
#define MSR_FP (1UL << 13)
#define MSR_ME (1UL << 12)
#define MSR_IP (1UL << 6)
#define MSR_IR (1UL << 5)
#define MSR_DR (1UL << 4)
#define MSR_RI (1UL << 1)

/* ---- SPRs ---- */
#define SPR_DSISR 18
#define SPR_DAR   19
#define SPR_DEC   22
#define SPR_SRR0  26
#define SPR_SRR1  27
#define SPR_SPRG0 272
#define SPR_SPRG1 273
#define SPR_SPRG2 274
#define SPR_SPRG3 275
#define SPR_SPRG4 276
#define SPR_SPRG7 279
#define SPR_PVR   287
#define SPR_PIR   1023

#define mfspr(n)                                                                                   \
    ({                                                                                             \
        unsigned long v_;                                                                          \
        __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n));                                      \
        v_;                                                                                        \
    })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" ::"i"(n), "r"((unsigned long)(v)) : "memory")

static inline unsigned long mfmsr(void)
{
    unsigned long v;
    __asm__ volatile("mfmsr %0" : "=r"(v));
    return v;
}

static inline void mtmsr(unsigned long v)
{
#if PPC64
    __asm__ volatile("mtmsrd %0" ::"r"(v) : "memory");
#else
    __asm__ volatile("mtmsr %0; isync" ::"r"(v) : "memory");
#endif
}

static inline unsigned long mfsr(unsigned n)
{
    unsigned long v;
    __asm__ volatile("mfsrin %0, %1" : "=r"(v) : "r"((unsigned long)n << 28));
    return v;
}

static inline void mtsr(unsigned n, unsigned long v)
{
    __asm__ volatile("mtsrin %0, %1; isync" ::"r"(v), "r"((unsigned long)n << 28) : "memory");
}

static inline void irq_enable(void)
{
    mtmsr(mfmsr() | MSR_EE);
}

static inline void irq_disable(void)
{
    mtmsr(mfmsr() & ~MSR_EE);
}

/* ---- The entry state crt0 saved before touching anything ---- */
struct ppc_entry_state {
    unsigned long gpr[32];
    unsigned long msr;
};
extern struct ppc_entry_state ppc_entry_state; /* at PPC_ENTRY_STATE, inside the vector area */
#define PPC_ENTRY_STATE 0x3E00

/* ---- Exceptions ---- */

/* The registers at the interrupt, as the vector code saved them; a handler may change any of
 * them (srr0 / srr1 decide where rfi returns). */
struct ppc_regs {
    unsigned long gpr[32];
    unsigned long lr, ctr, cr, xer;
    unsigned long srr0, srr1, dar, dsisr;
    unsigned long vector; /* 0x100 .. 0x1700, 0xF20 ... */
};

typedef void (*ppc_trap_fn)(struct ppc_regs *r);

/* Route vector (offset, a multiple of 0x20 below 0x1800) to fn; NULL restores the default, which
 * prints the registers and ends the run with status 3. */
void ppc_trap_set(unsigned vector, ppc_trap_fn fn);

/* A handler that records the frame in ppc_trap_last and counts it in ppc_trap_count[vector >> 8];
 * it skips the instruction for program interrupts (srr0 += 4) and returns otherwise. */
void ppc_trap_record(struct ppc_regs *r);
extern struct ppc_regs ppc_trap_last;
extern volatile unsigned ppc_trap_count[0x18];

/* ---- Problem state ---- */

/* Run fn(arg) with MSR[PR] = 1 (and, with translate, MSR[IR] = MSR[DR] = 1) on the stack ending at
 * stack_top; returns the value a handler passes to ppc_user_return. If fn returns, its result
 * comes back through the sc that ends ppc_user_exit (a handler of 0xC00 must call
 * ppc_user_return then: ppc_user_sc_return does). */
long ppc_enter_user(long (*fn)(long), long arg, void *stack_top, bool translate);

/* From a handler: abandon the problem-state code and make ppc_enter_user return value. */
void ppc_user_return(struct ppc_regs *r, long value);

/* A 0xC00 handler that returns the problem-state r3 through ppc_user_return. */
void ppc_user_sc_return(struct ppc_regs *r);

/* The sc problem-state code reaches when fn returns (its address + 4 is SRR0 then). */
extern char ppc_user_exit[];

/* The code address of a C function (ppc64 ELFv1 function pointers point to descriptors). */
static inline unsigned long ppc_code_addr(const void *fn)
{
    return PPC64 ? *(const unsigned long *)fn : (unsigned long)fn;
}

/* ---- Device tree ---- */
extern const void *ppc_fdt; /* r3 at entry */

/* The value of property name of node path ("/hypervisor", "/" for the root) and its length, or
 * NULL. */
const void *fdt_getprop_path(const void *fdt, const char *path, const char *name, int *len);

/* The first property called name in any node (epapr_paravirt's scan), or NULL. */
const void *fdt_find_prop_any(const void *fdt, const char *name, int *len);

/* A big-endian cell. */
static inline uint32_t fdt_cell(const void *p, int i)
{
    const uint8_t *b = (const uint8_t *)p + 4 * i;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Whether a NUL-separated string list (compatible) contains s. */
bool fdt_stringlist_contains(const char *list, int len, const char *s);

/* ---- softkvm's PowerPC devices ---- */
#define PPC_IRQLINE_BASE 0xF0001000UL /* 32-bit write 1: raise the external interrupt, 0: lower */

static inline void ppc_irq_line(unsigned level)
{
    *(volatile uint32_t *)PPC_IRQLINE_BASE = level;
    __asm__ volatile("sync" ::: "memory");
}

/* ---- ppc64: an identity-mapped hash page table for translation on ---- */

/* Build a hash page table (through the partition table on POWER10) mapping [0, bytes) and the
 * test device 1:1, read/write for every privilege, and SLB entries for them. Returns 0. Only on
 * ppc64. */
int ppc64_mmu_identity(unsigned long bytes);

#endif
