/* Private state and helpers of the PowerPC backend (ppc and ppc64; never included by generic code).
 */
#ifndef SOFTKVM_ARCH_PPC_H
#define SOFTKVM_ARCH_PPC_H

#include <string.h>

#include "arch/ppc/hypercall_abi.h"
#include "softkvm/engine_state.h"
#include "softkvm/arch.h"
#include "softkvm/kvm_abi.h"
#include "softkvm/timer.h"
#include "softkvm/vm.h"

/* Guest-physical layout (docs/platform.md). The boot area is [PPC_BOOT_INFO, PPC_BOOT_END). */
#define PPC_BOOT_INFO   0x10000ULL /* boot information block, guest byte order */
#define PPC_FDT         0x11000ULL /* flattened device tree (r3 at entry) */
#define PPC_FDT_MAX     0x10000ULL /* room for it */
#define PPC_STACK_TOP   0xFFF00ULL /* r1 at entry; boot stack 0x80000-0xFFFFF */
#define PPC_BOOT_END    0x100000ULL
#define PPC_TESTDEV     0xF0000000ULL
#define PPC_IRQDEV      0xF0001000ULL /* the external-interrupt line (devices.c) */
#define PPC_STUB_BASE   0xF0010000ULL /* softkvm's read-only page of SPR stubs */
#define PPC_TB_FREQ     100000000ULL  /* timebase/decrementer ticks per second: 10 ns each */
#define PPC_NS_PER_TICK 10ULL
#define PPC_EPAPR_MAGIC 0x45504150ULL /* r6 at entry: "EPAP" */

/* MSR bits (64-bit numbering; the 32-bit MSR is the low word). */
#define MSR_SF  (1ULL << 63)
#define MSR_HV  (1ULL << 60)
#define MSR_VEC (1ULL << 25)
#define MSR_POW (1ULL << 18)
#define MSR_ILE (1ULL << 16)
#define MSR_EE  (1ULL << 15)
#define MSR_PR  (1ULL << 14)
#define MSR_FP  (1ULL << 13)
#define MSR_ME  (1ULL << 12)
#define MSR_IP  (1ULL << 6)
#define MSR_IR  (1ULL << 5)
#define MSR_DR  (1ULL << 4)
#define MSR_RI  (1ULL << 1)
#define MSR_LE  (1ULL << 0)

/* SRR1 bits the interrupt sets (the rest is copied from the MSR): 33:36 and 42:47. */
#define SRR1_INT_MASK     0x783F0000ULL
#define SRR1_ISI_NOPTE    0x40000000ULL
#define SRR1_PROG_FPE     0x00100000ULL
#define SRR1_PROG_ILLEGAL 0x00080000ULL
#define SRR1_PROG_PRIV    0x00040000ULL
#define SRR1_PROG_TRAP    0x00020000ULL

/* Book3S interrupt vector offsets. */
enum {
    PPC_VEC_MCHECK = 0x200,
    PPC_VEC_DSI = 0x300,
    PPC_VEC_DSEG = 0x380,
    PPC_VEC_ISI = 0x400,
    PPC_VEC_ISEG = 0x480,
    PPC_VEC_EXTERNAL = 0x500,
    PPC_VEC_ALIGN = 0x600,
    PPC_VEC_PROGRAM = 0x700,
    PPC_VEC_FPU = 0x800,
    PPC_VEC_DECR = 0x900,
    PPC_VEC_SYSCALL = 0xC00,
    PPC_VEC_TRACE = 0xD00,
    PPC_VEC_PERFM = 0xF00,
    PPC_VEC_VPU = 0xF20,
    PPC_VEC_VSXU = 0xF40,
    PPC_VEC_FU = 0xF60,
    PPC_VEC_IABR = 0x1300,
};

/* Exception numbers Unicorn reports through UC_HOOK_INTR (QEMU's POWERPC_EXCP_*). */
enum {
    PPC_EXCP_MCHECK = 1,
    PPC_EXCP_DSI = 2,
    PPC_EXCP_ISI = 3,
    PPC_EXCP_EXTERNAL = 4,
    PPC_EXCP_ALIGN = 5,
    PPC_EXCP_PROGRAM = 6,
    PPC_EXCP_FPU = 7,
    PPC_EXCP_SYSCALL = 8,
    PPC_EXCP_DECR = 10,
    PPC_EXCP_DSEG = 65,
    PPC_EXCP_ISEG = 66,
    PPC_EXCP_TRACE = 68,
    PPC_EXCP_VPU = 73,
    PPC_EXCP_IFTLB = 78,
    PPC_EXCP_DLTLB = 79,
    PPC_EXCP_DSTLB = 80,
    PPC_EXCP_IABR = 83,
    PPC_EXCP_PERFM = 85,
    PPC_EXCP_VSXU = 94,
    PPC_EXCP_FU = 95,
    PPC_EXCP_HV_EMU = 96,
};

/* A CPU model softkvm accepts for --cpu (cpu_models.c). */
struct ppc_cpu_model {
    const char *name;    /* the --cpu name */
    int uc_model;        /* UC_CPU_PPC32_* / UC_CPU_PPC64_*, or -1 for the engine's default */
    bool is64;           /* a UC_MODE_PPC64 model */
    const char *dt_name; /* the cpu node's name, e.g. "PowerPC,7457A" */
    uint32_t cache_line; /* L1 cache line bytes, for the device tree */
};

/* The model named name (NULL: the default) for a 32- or 64-bit guest. Returns it, or NULL with
 * one line for the user in err: why that name is refused and the names that are accepted. */
const struct ppc_cpu_model *ppc_cpu_model_find(const char *name, bool is64, char *err,
                                               size_t errlen);

/* The registers softkvm reaches through stubs (stubs.c). The first PPC_SYNC_REGS are mirrored in
 * the magic page. */
enum ppc_reg {
    PPC_SPRG0 = 0,
    PPC_SPRG1,
    PPC_SPRG2,
    PPC_SPRG3,
    PPC_SRR0,
    PPC_SRR1,
    PPC_DAR,
    PPC_DSISR,
    PPC_PIR,
    PPC_SPRG4,
    PPC_SPRG5,
    PPC_SPRG6,
    PPC_SPRG7,
    PPC_SR0, /* .. PPC_SR0 + 15: the 32-bit segment registers */
    PPC_DEC = PPC_SR0 + 16,
    PPC_PVR,
    PPC_NREGS
};
#define PPC_SYNC_REGS PPC_DEC

struct ppc_reg_desc {
    const char *name;
    uint16_t spr;     /* SPR number, or the segment register number for PPC_SR0.. */
    bool is_sr;       /* mfsr/mtsr instead of mfspr/mtspr */
    bool optional;    /* present only on some models: probed */
    bool readonly;    /* the guest cannot change it through the magic page */
    int16_t page_off; /* offset in struct kvm_vcpu_arch_shared, -1 if not mirrored */
    uint8_t page_len; /* 4 or 8 */
};

extern const struct ppc_reg_desc ppc_regs[PPC_NREGS];

/* Offsets in the magic page (struct kvm_vcpu_arch_shared, spec section 7.3). */
#define MAGIC_CRITICAL    24
#define MAGIC_MSR         88
#define MAGIC_INT_PENDING 100
#define MAGIC_SIZE        240

/* Pending interrupt bits. */
#define PPC_IRQ_EXT (1u << 0)
#define PPC_IRQ_DEC (1u << 1)

struct ppc_magic {
    bool mapped;
    uint64_t pa, ea;  /* as the guest gave them, page-aligned */
    uint8_t *page;    /* host bytes of the shared page */
    uint8_t *own;     /* softkvm's page when pa is outside RAM (else NULL) */
    uint64_t maps[2]; /* engine mappings added for it */
    unsigned nmaps;
    uint64_t last[PPC_SYNC_REGS]; /* register values at the last synchronisation */
    uint64_t last_msr;
};

/* Pointers into the engine's live CPU state (livestate.c); gpr is NULL when it was not found.
 * Registers are width bytes in host byte order. */
struct ppc_live {
    uint8_t *gpr;       /* r0..r31 */
    const uint8_t *nip; /* the PC */
    const uint8_t *msr; /* read only: MSR writes must go through the engine */
    unsigned width;     /* 4 (ppc) or 8 (ppc64) */
};

static inline uint64_t ppc_live_load(const struct ppc_live *l, const uint8_t *p)
{
    return engine_load_reg(p, l->width);
}

static inline uint64_t ppc_live_gpr(const struct ppc_live *l, unsigned n)
{
    return ppc_live_load(l, l->gpr + (size_t)n * l->width);
}

static inline void ppc_live_set_gpr(const struct ppc_live *l, unsigned n, uint64_t v)
{
    if (l->width == 4) {
        uint32_t w = (uint32_t)v;
        memcpy(l->gpr + (size_t)n * 4, &w, 4);
    } else {
        memcpy(l->gpr + (size_t)n * 8, &v, 8);
    }
}

/* Find the live CPU state of a freshly opened engine: marks r0-r31 and the PC, tells MSR apart
 * by writing msr_a then msr_b (values the engine accepts at this point), searches the memory
 * reachable from the engine handle through kernel-checked copies, checks reads and writes
 * against the register API, and puts r0-r31, PC and MSR back. Returns 0 with *live filled;
 * otherwise *live is zeroed: -ENOENT (not found: the caller uses the register API) or -ENOTSUP (the
 * engine refused a register access or a context save; the VM cannot start) or -ENOMEM or -ENOMEM.
 */
int ppc_live_find(uc_engine *uc, bool is64, uint64_t msr_a, uint64_t msr_b, struct ppc_live *live);

struct ppc_vcpu {
    struct ppc_live live; /* first: the sc fast path reads it on every call */
    /* stubs */
    bool in_stub;   /* the engine is running one of softkvm's stubs */
    bool stub_done; /* the stub reached its closing sc */
    uint32_t stub_intno;
    /* interrupts */
    unsigned pending;  /* PPC_IRQ_* raised and not yet delivered */
    bool window_armed; /* the interrupt-window block hook is installed */
    uc_hook window_hook;
    bool dec_armed; /* idling: the decrementer's expiry is the clock deadline */
    uint64_t dec_deadline, idle_start;
    struct vtimer dec_timer; /* armed while idling, at the decrementer's expiry */
    uint32_t dec_at_idle;
    struct ppc_magic magic;
    uint64_t deliveries; /* interrupts delivered, for traces */
};

struct ppc_vm {
    const struct ppc_cpu_model *model;
    bool is64;
    enum ppc_hcall_style style;
    uint8_t *stub_page; /* host page mapped read-only at PPC_STUB_BASE */
    uint64_t stub_read[PPC_NREGS], stub_write[PPC_NREGS]; /* "mfspr r3 / mtspr r3; sc" stubs */
    uint64_t stub_srr;                                    /* mtspr SRR0,r3; mtspr SRR1,r4; sc */
    uint64_t stub_readall;              /* every present mirrored register into r0, r2..r31; sc */
    uint8_t readall_gpr[PPC_SYNC_REGS]; /* the GPR each register lands in, 0xFF: not read */
    bool present[PPC_NREGS];
    uint32_t pvr;
    void *tb_env;       /* ppc64: the zeroed timebase state given to the engine (ctxpatch.c) */
    uint64_t real_mask; /* real-mode address bits (ppc64 ignores the top 4) */
};

static inline struct ppc_vm *ppc_vm_of(const struct vm *vm)
{
    return vm->arch_state;
}

/* ---- engine.c ---- */

/* The running vCPU (the only one). */
struct vcpu *ppc_cur(struct vm *vm);

/* Read / write one register of the running vCPU by Unicorn id (64-bit value, truncated or
 * zero-extended on ppc32). */
uint64_t ppc_get(struct vm *vm, int regid);
void ppc_set(struct vm *vm, int regid, uint64_t v);

/* The PC the vCPU resumes at (next_pc when an exit handler moved it). */
uint64_t ppc_resume_pc(struct vcpu *v);

/* Make the vCPU resume at pc (written to the engine by the next start or vcpu_sync_pc). */
static inline void ppc_jump(struct vcpu *v, uint64_t pc)
{
    v->pc_known = true;
    v->next_pc = pc;
}

/* ---- stubs.c ---- */

/* Build the stub page and map it; probe which optional registers the model has. Returns 0 or
 * -1 with err filled. */
int ppc_stubs_init(struct vm *vm, char *err, size_t errlen);

/* Run the stub at addr with n GPRs (numbers in gprs) set to vals (if set_in) and read back into
 * vals afterwards; everything the stub touches (those GPRs, MSR, PC) is restored. Returns 0, or
 * -1 if the stub did not complete (the VM is stopped with a host error). */
int ppc_stub_run(struct vcpu *v, uint64_t addr, unsigned n, const uint8_t *gprs, uint64_t *vals,
                 bool set_in);

/* One register through its stub. ppc_reg_read returns 0 on failure. */
uint64_t ppc_reg_read(struct vcpu *v, enum ppc_reg r);
void ppc_reg_write(struct vcpu *v, enum ppc_reg r, uint64_t val);

/* Every present mirrored register in one stub run: vals[PPC_SYNC_REGS] (0 where absent).
 * Returns 0 or -1. */
int ppc_regs_read_all(struct vcpu *v, uint64_t *vals);

/* SRR0 and SRR1 in one stub run. */
void ppc_set_srr(struct vcpu *v, uint64_t srr0, uint64_t srr1);

/* ---- ctxpatch.c ---- */

/* ppc64: give the engine MSR[HV] (real mode needs it on Unicorn's POWER10) and a zeroed
 * timebase state (Unicorn leaves it NULL and would crash on PURR/HDEC/VTB). Returns 0 or -1 with
 * err filled. */
int ppc64_ctx_patch(struct vm *vm, char *err, size_t errlen);

/* ---- boot.c ---- */
int ppc_boot(struct vm *vm, char *err, size_t errlen);

/* The four hcall-instructions words of the VM's style. */
void ppc_hcall_words(enum ppc_hcall_style style, uint32_t words[4]);

/* ---- hypercall.c ---- */

/* The instruction word at effective address ea, read as the CPU with this MSR fetches it.
 * Returns false when it cannot be read. */
bool ppc_fetch_insn(struct vcpu *v, uint64_t ea, uint64_t msr, uint32_t *insn);

/* The sc exit (intno 8): hypercall, the guest's own system call, or a program interrupt. */
void ppc_handle_sc(struct vcpu *v);

/* Register the ePAPR and KVM hypercall tables. Returns 0 or a negative errno. */
int ppc_hypercalls_init(struct vm *vm);

/* ---- exceptions.c ---- */

/* Deliver interrupt vector vec (offset) to the running vCPU: SRR0 = srr0, SRR1 = MSR bits and
 * reason, new MSR as the CPU sets it, PC = vector. Synchronises the magic page around it. */
void ppc_deliver(struct vcpu *v, unsigned vec, uint64_t srr0, uint64_t reason);

/* An exception the engine reported (intno, PC past the instruction): deliver what the CPU would. */
void ppc_handle_exception(struct vcpu *v, uint32_t intno);

/* An access to nothing (unmapped, or a write to the stub page): a machine check if MSR[ME],
 * else the run ends (checkstop). */
void ppc_handle_mem_fault(struct vcpu *v);

/* ---- interrupts.c ---- */
bool ppc_check_interrupts(struct vcpu *v);
void ppc_inject(struct vcpu *v);
int ppc_dec_timer_register(struct vcpu *v);
bool ppc_interrupts_enabled(struct vcpu *v);

/* Whether an interrupt may be delivered now: MSR[EE] and not in the magic page's critical
 * section. */
bool ppc_irq_deliverable(struct vcpu *v, uint64_t msr);

/* The vCPU idles (EV_IDLE, or a power-saving instruction): arm the decrementer and halt it
 * unless something is pending. */
void ppc_idle(struct vcpu *v);

/* Raise or lower the external interrupt line (from a device callback inside the engine). */
void ppc_set_external(struct vm *vm, bool level);

/* Remove the interrupt-window hook (VM teardown). */
void ppc_irq_release(struct vm *vm);

/* ---- magic_page.c ---- */

/* Page -> registers for the fields the guest stored since the last synchronisation. */
void ppc_magic_pull(struct vcpu *v);

/* Registers -> page, remembered as the last synchronised values. */
void ppc_magic_push(struct vcpu *v);

/* Whether the guest is inside its critical section (critical == r1, supervisor state). */
bool ppc_magic_critical(struct vcpu *v, uint64_t msr);

/* Release the engine mappings and the page (VM teardown). */
void ppc_magic_release(struct vcpu *v);

/* Map the external-interrupt line device (irq_line.c). Returns 0 or a negative errno. */
int ppc_irq_line_init(struct vm *vm);

/* ---- dump.c ---- */
void ppc_dump_regs(struct vcpu *v, FILE *out);

/* The PowerPC boards (board.c), NULL-terminated. */
extern const struct board *const ppc_boards[];

/* Debugger access (gdbregs.c): r0-r31, pc, msr, cr, lr, ctr, xer in gdb's order. */
#define PPC_GDB_NREGS 38
extern const struct arch_reg ppc32_gdb_regs[PPC_GDB_NREGS];
extern const struct arch_reg ppc64_gdb_regs[PPC_GDB_NREGS];
int ppc_gdb_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf);
int ppc_gdb_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf);
int ppc_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa);

#endif
