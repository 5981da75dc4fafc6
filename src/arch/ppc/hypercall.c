/* The PowerPC sc exit: KVM's PR/HV rules decide between hypercall, the guest's own system call
 * and a program interrupt; hypercalls go through the generic dispatch (tokens in r11). */
#include "arch/ppc/ppc.h"
#include "hypercalls/ppc_hypercalls.h"
#include "softkvm/engine_check.h"

#define PPC_EPAPR_TABLE_SIZE 32
#define PPC_KVM_TABLE_SIZE   16

int ppc_hypercalls_init(struct vm *vm)
{
    int rc = hc_table_init(&vm->hc[PPC_HC_EPAPR], "epapr", PPC_EPAPR_TABLE_SIZE, EV_UNIMPLEMENTED);
    if (rc != 0)
        return rc;
    vm->nhc = 1;
    rc = hc_table_init(&vm->hc[PPC_HC_KVM], "kvm", PPC_KVM_TABLE_SIZE, EV_UNIMPLEMENTED);
    if (rc != 0)
        return rc;
    vm->nhc = 2;
    vm->pv_features = 1ULL << KVM_FEATURE_MAGIC_PAGE;
    rc = epapr_hypercalls_register(&vm->hc[PPC_HC_EPAPR]);
    if (rc == 0)
        rc = kvm_ppc_hypercalls_register(&vm->hc[PPC_HC_KVM]);
    return rc;
}

bool ppc_fetch_insn(struct vcpu *v, uint64_t ea, uint64_t msr, uint32_t *insn)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    uint8_t b[4];
    if (!(msr & MSR_IR)) {
        gpa_t gpa = ea & pvm->real_mask;
        const uint8_t *p = gmem_ptr(&vm->mem, gpa, 4);
        if (p == NULL) {
            if (uc_mem_read(vm->uc, gpa, b, 4) != UC_ERR_OK)
                return false;
            p = b;
        }
        *insn = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        return true;
    }
    /* Unicorn translates with the data MMU index: make it the instruction side's for the read. */
    bool swap = !(msr & MSR_DR);
    if (swap)
        ppc_set(vm, UC_PPC_REG_MSR, msr | MSR_DR);
    uc_err e = uc_vmem_read(vm->uc, ea, UC_PROT_EXEC, b, 4);
    if (swap)
        ppc_set(vm, UC_PPC_REG_MSR, msr);
    if (e != UC_ERR_OK)
        return false;
    *insn = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return true;
}

/* hc_load_args_fn: r3.. as the caller's width sees them. */
static void load_args(struct vcpu *v, struct hc_call *call, unsigned n)
{
    static const int ids[8] = {UC_PPC_REG_3, UC_PPC_REG_4, UC_PPC_REG_5, UC_PPC_REG_6,
                               UC_PPC_REG_7, UC_PPC_REG_8, UC_PPC_REG_9, UC_PPC_REG_10};
    const struct ppc_live *live = &((struct ppc_vcpu *)v->arch)->live;
    uint64_t gpr[8] = {0};
    if (n > 8)
        n = 8;
    if (live->gpr != NULL) {
        for (unsigned i = 0; i < n; i++)
            gpr[i] = ppc_live_gpr(live, 3 + i);
    } else {
        void *p[8];
        for (unsigned i = 0; i < n; i++)
            p[i] = &gpr[i];
        ENGINE_OK(v->vm, uc_reg_read_batch(v->vm->uc, ids, p, (int)n));
    }
    for (unsigned i = 0; i < n; i++)
        call->args[i] = ppc_hc_width(gpr[i], call->op_64bit);
}

void ppc_handle_sc(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    struct ppc_vcpu *pv = v->arch;
    /* PC, MSR, r0, r11: from the engine's state (livestate.c), or one API batch without it */
    uint64_t r[4] = {0};
    const struct ppc_live *live = &pv->live;
    if (live->gpr != NULL) {
        r[0] = ppc_live_load(live, live->nip);
        r[1] = ppc_live_load(live, live->msr);
        r[2] = ppc_live_gpr(live, 0);
        r[3] = ppc_live_gpr(live, 11);
    } else {
        static const int ids[4] = {UC_PPC_REG_PC, UC_PPC_REG_MSR, UC_PPC_REG_0, UC_PPC_REG_11};
        void *p[4] = {&r[0], &r[1], &r[2], &r[3]};
        ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, p, 4));
    }
    uint64_t pc = r[0], msr = r[1]; /* the PC is already past the sc */
    if (!pvm->is64) {
        pc &= 0xFFFFFFFFULL;
        msr &= 0xFFFFFFFFULL;
    }
    /* Only the HV style tells sc 1 from sc; in the PR style the level does not matter, which
     * spares the hot path the instruction fetch. */
    int lev = 0;
    uint32_t insn = PPC_INSN_SC;
    if (pvm->style == PPC_HCALL_HV && ppc_fetch_insn(v, pc - 4, msr, &insn))
        lev = ppc_sc_level(insn) > 0 ? ppc_sc_level(insn) : 0;
    switch (ppc_sc_classify(pvm->style, lev, (msr & MSR_PR) != 0, r[2])) {
    case PPC_SC_SYSCALL:
        ppc_deliver(v, PPC_VEC_SYSCALL, pc, 0);
        return;
    case PPC_SC_PRIV:
        ppc_deliver(v, PPC_VEC_PROGRAM, pc - 4, SRR1_PROG_PRIV);
        return;
    case PPC_SC_HYPERCALL:
        break;
    }
    v->exit.kind = EXIT_HYPERCALL;
    if (pv->magic.mapped)
        ppc_magic_pull(v);
    bool sf = pvm->is64 && (msr & MSR_SF);
    uint64_t nr;
    unsigned t = ppc_hc_route(r[3], &nr);
    struct hc_call call;
    ppc_hc_make_call(nr, NULL, 0, sf, &call);
    struct hc_result res;
    enum hc_action act = hc_dispatch(vm, v, &vm->hc[t], &call, 0, pc - 4, 8, load_args, &res);
    if (act == HC_FAULT)
        return;
    uint64_t out[9];
    unsigned n = ppc_hc_outputs(&res, out);
    static const int outs[9] = {UC_PPC_REG_3, UC_PPC_REG_4,  UC_PPC_REG_5,
                                UC_PPC_REG_6, UC_PPC_REG_7,  UC_PPC_REG_8,
                                UC_PPC_REG_9, UC_PPC_REG_10, UC_PPC_REG_11};
    if (live->gpr != NULL) {
        for (unsigned i = 0; i < n; i++)
            ppc_live_set_gpr(live, 3 + i, out[i]);
    } else {
        void *op[9];
        for (unsigned i = 0; i < n; i++)
            op[i] = &out[i];
        ENGINE_OK(vm, uc_reg_write_batch(vm->uc, outs, op, (int)n));
    }
    ppc_jump(v, pc); /* saves the run loop a PC read */
    if (pv->magic.mapped)
        ppc_magic_push(v);
    if (act == HC_HALT)
        ppc_idle(v);
    else if (act == HC_YIELD)
        vm->resched = true;
}
