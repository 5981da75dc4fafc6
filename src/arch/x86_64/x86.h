/* Private state and helpers of the x86-64 backend (never included by generic code). */
#ifndef SOFTKVM_ARCH_X86_H
#define SOFTKVM_ARCH_X86_H

#include "arch/x86_64/lapic.h"
#include "softkvm/arch.h"
#include "softkvm/timer.h"
#include "softkvm/vm.h"

/* Guest-physical layout of softkvm's boot area (docs/platform.md). */
#define X86_BOOT_INFO 0x1000ULL
#define X86_MEM_MAP   0x1040ULL /* the memory map, right after the boot info */
#define X86_GDT       0x2000ULL
#define X86_PT_BASE   0x10000ULL
#define X86_PT_END    0x80000ULL
#define X86_STACK_TOP 0x9FFF0ULL
#define X86_BOOT_END  0x100000ULL
#define X86_TESTDEV   0xF0000000ULL
#define X86_AP_STUB   0x4000ULL /* AP startup stub (real-mode entry after SIPI) and its stack */
#define X86_AP_PT     0x5000ULL /* the stub page tables: PML4, PDPT, PD (0x5000-0x7FFF) */

/* The pc board's firmware region (the BIOS area) and what softkvm keeps there (boot_pc.c). */
#define X86_PC_FW       0xE0000ULL
#define X86_PC_FW_GDT   0xF0000ULL /* 0x08 32-bit code, 0x10 data, 0x18 64-bit code */
#define X86_PC_FW_STUB  0xF0100ULL /* boot32_stub.S */
#define X86_PC_FW_PML4  0xF1000ULL /* PML4, PDPT, PD: the stub's identity map of the first 2 MiB */
#define X86_PC_FW_STACK 0xFF000ULL /* top of the stub's stack */
#define X86_PC_INFO_MIN                                                                            \
    0x100000ULL /* boot information goes at or above 1 MiB, after the kernel                       \
                 */

#define X86_SEL_CODE64 0x08
#define X86_SEL_DATA   0x10
#define X86_SEL_CODE32 0x18

/* Exception vectors. */
enum {
    X86_DE = 0,
    X86_DB = 1,
    X86_NMI = 2,
    X86_BP = 3,
    X86_OF = 4,
    X86_BR = 5,
    X86_UD = 6,
    X86_NM = 7,
    X86_DF = 8,
    X86_TS = 10,
    X86_NP = 11,
    X86_SS = 12,
    X86_GP = 13,
    X86_PF = 14,
    X86_MF = 16,
    X86_AC = 17,
    X86_MC = 18,
    X86_XM = 19,
    X86_VE = 20,
    X86_CP = 21,
};

/* #PF error code bits. */
#define PFEC_P    (1u << 0)
#define PFEC_W    (1u << 1)
#define PFEC_U    (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_I    (1u << 4)

/* Offsets into a saved Unicorn context, found by calibration (ctxpatch.c). */
struct x86_ctx_layout {
    size_t hflags;        /* uint32_t hflags */
    size_t segs;          /* SegmentCache segs[6]: {u32 selector; u64 base; u32 limit; u32 flags} */
    size_t error_code;    /* int error_code; int exception_is_int follows */
    size_t old_exception; /* QEMU's exception in flight (-1 = none) */
};

/* Pointers into the engine's live CPU state (livestate.c), all NULL when it was not found. Valid
 * while the engine is open and stopped; a vCPU switch copies into the same state. */
struct x86_live {
    uint64_t *regs;         /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15 */
    uint64_t *rip;          /* RIP as UC_X86_REG_RIP reads it */
    uint64_t *cr3;          /* read only: writing CR3 must go through the engine */
    const uint32_t *cs_sel; /* CS selector */
};

/* The 64-bit state the hypercall and exception paths need, read in one batch. */
struct x86_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rip, rsp, rflags;
    uint64_t cr0, cr3, cr4, efer;
    uint16_t cs, ss;
};

/* A hypercall site seen before: where its bytes are and the caller's mode, keyed by what the
 * CPU state must match for the cached answer to hold (see hypercall.c). */
struct x86_hc_site {
    uint64_t rip, cr3;
    const uint8_t *bytes; /* host pointer to the 3 instruction bytes in guest RAM */
    uint16_t cs;
    bool valid, mode64;
    uint8_t cpl;
};

#define X86_HC_SITES 16

struct x86_vcpu {
    struct x86_live live; /* a copy of the VM's, next to the site cache: one less load per call */
    struct x86_hc_site sites[X86_HC_SITES];
    uc_context *scratch; /* for patching hidden segment state */
    struct lapic lapic;
    struct vtimer lapic_timer; /* outside struct lapic: an APIC reset must not unlink it */
    uint64_t pio_fault_rip, pio_fault_rax; /* state before a denied IN/OUT */
};

struct x86_vm {
    struct x86_live live; /* each vCPU keeps a copy (struct x86_vcpu) */
    struct x86_ctx_layout layout;
    uint32_t cpuid0[4], cpuid1[4]; /* the CPU model's leaves 0 and 1 (EAX, EBX, ECX, EDX) */
    uint32_t kvm_hints;            /* CPUID 0x40000001 EDX */
    uc_context *reset_ctx;         /* the engine's power-on state, for starting APs */
};

/* Whether a 64-bit linear address is canonical (bits 63..47 all equal, 48-bit addressing). */
static inline bool x86_canonical(uint64_t la)
{
    uint64_t top = la >> 47;
    return top == 0 || top == 0x1FFFF;
}

/* A guest-virtual access for the page walker. X86_PEEK: a debugger's look, a read that sets no
 * accessed/dirty bits. */
enum x86_access { X86_READ = 0, X86_WRITE = 1, X86_FETCH = 2, X86_PEEK = 3 };

/* Paging state of a vCPU, as the walker needs it. */
struct x86_mmu {
    uint64_t cr0, cr3, cr4, efer;
};

/* Translate a linear address. user: access at CPL 3 (or implicit supervisor when false).
 * Returns 0 with *gpa set, or -EFAULT (a #PF) with *pfec set to the #PF error code the CPU would
 * report. */
int x86_translate(const struct gmem *gm, const struct x86_mmu *mmu, uint64_t la,
                  enum x86_access acc, bool user, gpa_t *gpa, uint32_t *pfec);

/* Read or write len bytes (at most two pages' worth) at a linear address. Every page is translated
 * before any byte moves, so a fault leaves memory unchanged. Returns 0; -EFAULT on a translation
 * failure (a #PF), with *fault_la / *pfec describing it; -ERANGE if a physical address is outside
 * RAM (or the access spans more than two pages). */
int x86_read_virt(struct gmem *gm, const struct x86_mmu *mmu, uint64_t la, void *buf, size_t len,
                  bool user, uint64_t *fault_la, uint32_t *pfec);
int x86_write_virt(struct gmem *gm, const struct x86_mmu *mmu, uint64_t la, const void *buf,
                   size_t len, bool user, uint64_t *fault_la, uint32_t *pfec);

/* Calibrate context offsets on a throwaway engine. Returns 0, or -ENOTSUP with err filled (a
 * Unicorn build whose CPU state differs, or an engine that refused a step). */
int x86_ctx_calibrate(struct x86_ctx_layout *lay, char *err, size_t errlen);

/* Find the live CPU state of a freshly opened engine, which must be at its power-on state: marks
 * the registers, searches the memory reachable from the engine handle through a kernel-checked
 * copy, checks reads and writes against the register API, and puts every register back. Returns 0
 * with *live filled; otherwise *live is zeroed: -ENOENT (not found: the caller uses the register
 * API) or -ENOTSUP (the engine refused a register access or a context save; the VM cannot start) or
 * -ENOMEM or -ENOMEM. */
int x86_live_find(uc_engine *uc, const struct x86_ctx_layout *lay, struct x86_live *live);

/* Load CS and SS with the given selectors and raw descriptor high words (flags as the CPU
 * caches them) and set CPL = new_cpl, by patching the engine's saved state. Returns 0, or
 * -ENOTSUP when the engine refused to save or restore its context. */
int x86_load_cs_ss(struct vcpu *v, uint16_t cs, uint64_t cs_desc, uint16_t ss, uint64_t ss_desc,
                   unsigned new_cpl);

/* Whether the running vCPU is in an interrupt shadow (the instruction after STI or MOV SS). */
bool x86_irq_shadow(struct vcpu *v);

/* The error code and "software interrupt" flag of the exception the engine just reported. */
void x86_last_exception_info(struct vcpu *v, uint32_t *error_code, bool *is_int);

/* Read the registers in x86_regs from the engine. */
void x86_read_regs(struct vm *vm, struct x86_regs *r);

/* The paging state of the running vCPU. */
void x86_read_mmu(struct vm *vm, struct x86_mmu *mmu);

/* Read the 8-byte descriptor for selector sel from the GDT or LDT. Returns 0, -ERANGE when the
 * selector is outside the table, or -EFAULT when the descriptor cannot be read (not mapped, or
 * outside RAM). */
int x86_read_descriptor(struct vm *vm, const struct x86_mmu *mmu, uint16_t sel, uint64_t *desc);

/* The base of the running vCPU's CS: selector << 4 in real mode, the descriptor's base in legacy
 * protected mode, 0 in long mode (compatibility-mode code segments are assumed flat). */
uint64_t x86_cs_base(struct vm *vm, const struct x86_regs *r);

/* Whether the running vCPU is in 64-bit mode (EFER.LMA and CS.L) and its CPL. */
void x86_cpu_mode(struct vm *vm, const struct x86_regs *r, bool *mode64, unsigned *cpl);

/* Deliver exception vector vec to the running vCPU. has_err/err: the error code to push;
 * soft: raised by INT n / INT3 / INTO (DPL check, no error code); cr2: set for #PF. Handles
 * contributory/double/triple-fault escalation; a triple fault stops the VM. */
void x86_deliver_exception(struct vcpu *v, unsigned vec, bool has_err, uint32_t err, bool soft,
                           uint64_t cr2);

/* The hypercall exit: decode, apply KVM's vendor, CPL and width rules, dispatch. Returns false
 * when the bytes at RIP are not a hypercall instruction. */
bool x86_handle_hypercall(struct vcpu *v);

/* CPUID emulation for the leaves softkvm owns: learns the CPU model's leaves 0 and 1 and hooks
 * CPUID. Returns 0, or -ENOTSUP with one line in err (the engine refused; CPUID would be the
 * model's own, without the KVM leaves). */
int x86_cpuid_install(struct vm *vm, char *err, size_t errlen);

/* Build page tables, GDT, boot info, and set the entry registers. */
int x86_boot(struct vm *vm, char *err, size_t errlen);

/* The pc board's boot: firmware stub, multiboot or PVH information, the module, entry state in
 * 32-bit protected mode. Returns 0 or a negative errno with one line in err. */
int x86_boot_pc(struct vm *vm, char *err, size_t errlen);

/* Register the KVM x86 hypercall table. */
int x86_hypercalls_init(struct vm *vm);

/* Interrupt delivery: the arch_ops check_interrupts / inject hooks. */
bool x86_check_interrupts(struct vcpu *v);
bool x86_vcpu_irq_enabled(struct vcpu *v); /* RFLAGS.IF, loaded in the engine or not */
void x86_inject(struct vcpu *v);

/* Put a stopped AP into the state the CPU has after STARTUP with vector (real mode at
 * vector << 12, through softkvm's stub). */
void x86_start_ap(struct vcpu *v, uint8_t vector);

/* Write the AP startup stub and its page tables into the boot area. */
void x86_write_ap_stub(struct vm *vm);

/* The x86 boards (board.c), NULL-terminated. */
extern const struct board *const x86_boards[];

/* Register-dump of the running vCPU. */
void x86_dump_regs(struct vcpu *v, FILE *out);

/* Whether exception vector vec pushes an error code when raised by the CPU. */
bool x86_vector_has_error_code(unsigned vec);

/* Debugger access (gdbregs.c): gdb's register table, register access, translation. */
#define X86_GDB_NREGS 65
extern const struct arch_reg x86_gdb_regs[X86_GDB_NREGS];
extern const struct arch_tdesc_types x86_gdb_types[];
int x86_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf);
int x86_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf);
int x86_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa);
const char *x86_arch_exit_name(const struct vcpu *v);

#endif
