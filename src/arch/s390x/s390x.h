/* The s390x backend's private interface: VM and vCPU state, the memory map, and the functions the
 * backend's files share. Generic code never includes this. */
#ifndef SOFTKVM_ARCH_S390X_H
#define SOFTKVM_ARCH_S390X_H

#include <stdio.h>

#include "arch/s390x/diag_sites.h"
#include "arch/s390x/psw.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

/* Guest-physical memory map (docs/platform.md). */
#define S390_BOOT_INFO  0x2000ULL     /* boot information block, big-endian */
#define S390_PRIME_STUB 0x3000ULL     /* two instructions run once before the guest (cleared) */
#define S390_STACK_TOP  0x10000ULL    /* r15 at entry is S390_STACK_TOP - 160 */
#define S390_BOOT_END   0x10000ULL    /* kernels load at or above 64 KiB */
#define S390_TESTDEV    0xF0000000ULL /* the common test device */
#define S390_VCON_BASE  0xF0001000ULL /* virtio console registers */
#define S390_VCON_SCHID 0x00010000u   /* its subchannel id: css 0, ssid 0, subchannel 0 */

/* Interruption classes as Unicorn's interrupt hook numbers them (QEMU's EXCP_*). */
#define S390_EXCP_SVC 2
#define S390_EXCP_PGM 3
/* softkvm's own class for the engine's refusal to fetch from a device page (not QEMU's). */
#define S390_EXCP_FETCH_DEVICE 0x100

/* Offsets, inside a saved engine context, of CPU state Unicorn's API does not expose. */
struct s390_ctx_layout {
    size_t psw_addr; /* PSW instruction address (the mask is the 8 bytes before it) */
    size_t pgm_code; /* u32 program-interruption code of the last program exception */
    size_t pgm_ilen; /* u32 its instruction length in bytes */
    size_t svc_code; /* u32 SVC number */
    size_t svc_ilen; /* u32 SVC instruction length */
    size_t psa;      /* u64 prefix */
};

struct s390_vm {
    struct s390_ctx_layout lay;
    uc_context *ctx;         /* scratch: hidden state is read from a saved copy */
    struct insn_traps traps; /* trapped DIAGNOSE sites (the core's instruction traps) */
};

/* Pointers into the engine's live CPU state (livestate.c); regs is NULL when it was not found. */
struct s390_live {
    uint64_t *regs;           /* r0..r15 */
    const uint64_t *psw_mask; /* the PSW mask without the condition code (kept apart) */
};

/* Find the live CPU state of a freshly opened engine: marks r0-r15, searches the memory reachable
 * from the engine handle through kernel-checked copies, checks the PSW mask and a register read
 * and write against the register API, and puts r0-r15 back. Returns 0 with *live filled; otherwise
 * *live is zeroed: -ENOENT (not found: the caller uses the register API) or -ENOTSUP (the engine
 * refused a register access or a context save; the VM cannot start) or -ENOMEM or -ENOMEM. */
int s390_live_find(uc_engine *uc, const struct s390_ctx_layout *lay, struct s390_live *live);

struct s390_vcpu {
    struct s390_live live; /* the DIAGNOSE fast path's registers */
    uint64_t pgm_new_addr; /* address the last program interruption went to */
    uint64_t pgm_progress; /* progress marker at that delivery */
    unsigned pgm_stuck;    /* deliveries in a row at the new PSW with no progress */
    unsigned pgm_quiet;    /* deliveries in a row with no other exit or I/O */
};

/* ctxlayout.c: find the hidden-state offsets on a throwaway engine. Returns 0, or -ENOTSUP with
 * one line in err (a Unicorn build whose CPU state differs). */
int s390_ctx_calibrate(struct s390_ctx_layout *lay, char *err, size_t errlen);

/* ctxlayout.c: save the running vCPU's state into the scratch context, and read a u32 / u64
 * at a calibrated offset of it. */
void s390_ctx_snapshot(struct vm *vm);
uint32_t s390_ctx_u32(const struct vm *vm, size_t off);
uint64_t s390_ctx_u64(const struct vm *vm, size_t off);

/* traps.c: start trapping DIAGNOSE sites (the core's instruction traps in s390_vm.traps, each
 * site recording EXIT_HYPERCALL). 0 or a negative errno with one line in err. */
int s390_traps_init(struct vm *vm, char *err, size_t errlen);
/* Run two instructions so that the engine reports every later translation (see traps.c). */
int s390_traps_prime(struct vm *vm);

/* hypercall.c: the DIAGNOSE exit at v->exit.pc. */
void s390_handle_diag(struct vcpu *v);

/* hypercall_table.c: the DIAGNOSE 0x500 namespace (vm->hc[0]). */
int s390_hypercalls_init(struct vm *vm);

/* exceptions.c: an interruption the engine reported (v->exit.intno). */
void s390_handle_interruption(struct vcpu *v);
/* exceptions.c: deliver program interruption code for the instruction of ilen bytes at addr
 * (the old PSW points past it or at it as the code requires). */
void s390_deliver_program(struct vcpu *v, uint16_t code, unsigned ilen, uint64_t addr);

/* boot.c */
int s390_boot(struct vm *vm, char *err, size_t errlen);

/* dump.c */
void s390_dump_regs(struct vcpu *v, FILE *out);

/* engine.c: the running vCPU (the one whose state is in the engine). */
struct vcpu *s390_cur(struct vm *vm);

/* The s390x boards (board.c), NULL-terminated. */
extern const struct board *const s390_boards[];

/* Debugger access (gdbregs.c): pswm, pswa, r0-r15, acr0-acr15, fpc, f0-f15 in gdb's order. */
#define S390_GDB_NREGS 51
extern const struct arch_reg s390_gdb_regs[S390_GDB_NREGS];
int s390_gdb_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf);
int s390_gdb_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf);
int s390_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa);

#endif
