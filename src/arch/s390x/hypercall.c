/* The DIAGNOSE exit: KVM's rules (privileged operation in problem state, the function code from
 * base + displacement) and the DIAGNOSE 0x500 dispatch with its register ABI. */
#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/s390x.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

#define DIAG_TIME_SLICE_END 0x044
#define DIAG_DIRECTED_YIELD 0x09C

/* The instruction is 4 bytes: the PSW moves past it, wrapped to the addressing mode. */
static void skip_diag(struct vcpu *v, uint64_t mask, uint64_t pc)
{
    v->pc_known = true;
    v->next_pc = s390_psw_wrap(mask, pc + 4);
}

/* DIAGNOSE 0x500: r1 subcode, r2..r7 arguments, result in r2, nothing else changes. Subcodes
 * with no handler (0-2, the old s390-virtio transport, and unknown ones) get a specification
 * exception, as QEMU gives; they are still counted and traced. */
static void diag500(struct vcpu *v, uint64_t pc, const uint64_t gpr[16], uint64_t mask)
{
    struct vm *vm = v->vm;
    struct hc_table *t = &vm->hc[0];
    struct hc_call call;
    s390_hc_make_call(gpr, mask, &call);
    bool known = hc_lookup(t, call.nr) != NULL;
    struct hc_result res;
    enum hc_action act = hc_dispatch(vm, v, t, &call, 0, pc, S390_DIAG_NARGS, NULL, &res);
    /* No s390 handler can queue an exception itself: HC_FAULT asks for the specification
     * exception unsupported subcodes get. */
    if (!known || act == HC_FAULT) {
        s390_deliver_program(v, PGM_SPECIFICATION, 4, pc);
        return;
    }
    uint64_t r2 = s390_hc_r2(&res, gpr[2]);
    const struct s390_live *live = &((struct s390_vcpu *)v->arch)->live;
    if (live->regs != NULL)
        live->regs[2] = r2;
    else
        ENGINE_OK(vm, uc_reg_write(vm->uc, UC_S390X_REG_R2, &r2));
    skip_diag(v, mask, pc);
    if (act == HC_HALT)
        vcpu_halt(v);
    else if (act == HC_YIELD)
        vm->resched = true;
}

void s390_handle_diag(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t pc = v->exit.pc;
    uint8_t b[4];
    struct s390_diag d;
    if (insn_trap_read_code(vm, pc, b, sizeof(b)) != 0 || !s390_diag_decode(b, &d)) {
        /* The guest replaced the DIAGNOSE: stop trapping the address and run what is there. */
        insn_traps_forget(&((struct s390_vm *)vm->arch_state)->traps, pc);
        v->exit.kind = EXIT_ARCH;
        return;
    }
    /* The PSW mask (its condition code is not needed here) and r1..r7 (subcode, arguments); the
     * base register only when it is another one. From the engine's state (livestate.c), else
     * one API batch. Arrays are filled element by element: no zeroing on this hot path. */
    uint64_t mask, gpr[16];
    const struct s390_live *live = &((struct s390_vcpu *)v->arch)->live;
    if (live->regs != NULL) {
        mask = *live->psw_mask;
        for (unsigned i = 1; i <= 7; i++)
            gpr[i] = live->regs[i];
        gpr[0] = 0;
        if (d.b2 == 0 || d.b2 > 7)
            gpr[d.b2] = live->regs[d.b2];
    } else {
        static const int ids[8] = {UC_S390X_REG_PSWM, UC_S390X_REG_R1, UC_S390X_REG_R2,
                                   UC_S390X_REG_R3,   UC_S390X_REG_R4, UC_S390X_REG_R5,
                                   UC_S390X_REG_R6,   UC_S390X_REG_R7};
        void *vals[8] = {&mask, &gpr[1], &gpr[2], &gpr[3], &gpr[4], &gpr[5], &gpr[6], &gpr[7]};
        ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, vals, 8));
        gpr[0] = 0;
        if (d.b2 == 0 || d.b2 > 7)
            ENGINE_OK(vm, uc_reg_read(vm->uc, UC_S390X_REG_R0 + d.b2, &gpr[d.b2]));
    }

    /* KVM checks the privilege before looking at the function code. */
    if (mask & PSW_MASK_PSTATE) {
        s390_deliver_program(v, PGM_PRIVILEGED, 4, pc);
        return;
    }
    uint16_t code = s390_diag_code(&d, gpr);
    switch (code) {
    case S390_DIAG_KVM:
        diag500(v, pc, gpr, mask);
        break;
    case DIAG_TIME_SLICE_END:
    case DIAG_DIRECTED_YIELD:
        /* Hints: end this vCPU's turn; no register changes. */
        if (trace_enabled(vm)) {
            static const char *const keys[] = {"code"};
            const uint64_t vals1[] = {code};
            trace_event(vm, v->id, pc, "diag", 1, keys, vals1);
        }
        skip_diag(v, mask, pc);
        vm->resched = true;
        break;
    default:
        /* Every other DIAGNOSE code: specification exception (QEMU's answer to codes it does
         * not implement). */
        s390_deliver_program(v, PGM_SPECIFICATION, 4, pc);
        break;
    }
}
