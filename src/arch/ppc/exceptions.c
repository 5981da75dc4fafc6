/* Book3S interrupt delivery as the CPU does it (Unicorn reports exceptions but never delivers
 * them): SRR0/SRR1, the new MSR, the vector; and the engine's exceptions mapped to vectors. */
#include "arch/ppc/ppc.h"
#include "softkvm/trace.h"

static const char *vec_name(unsigned vec)
{
    switch (vec) {
    case PPC_VEC_MCHECK:
        return "machine check";
    case PPC_VEC_DSI:
        return "data storage";
    case PPC_VEC_DSEG:
        return "data segment";
    case PPC_VEC_ISI:
        return "instruction storage";
    case PPC_VEC_ISEG:
        return "instruction segment";
    case PPC_VEC_EXTERNAL:
        return "external";
    case PPC_VEC_ALIGN:
        return "alignment";
    case PPC_VEC_PROGRAM:
        return "program";
    case PPC_VEC_FPU:
        return "floating-point unavailable";
    case PPC_VEC_DECR:
        return "decrementer";
    case PPC_VEC_SYSCALL:
        return "system call";
    case PPC_VEC_TRACE:
        return "trace";
    default:
        return "interrupt";
    }
}

/* The MSR an interrupt leaves: Book3S-32 keeps ME, IP and ILE (LE = ILE) and clears the rest
 * (EE, PR, FP, IR, DR, RI, VEC...); Book3S-64 keeps ME and HV and sets SF. A machine check also
 * clears ME, so a second one checkstops. */
static uint64_t interrupt_msr(const struct ppc_vm *pvm, uint64_t msr, unsigned vec)
{
    uint64_t m;
    if (pvm->is64) {
        m = (msr & (MSR_HV | MSR_ME)) | MSR_SF;
    } else {
        m = msr & (MSR_ME | MSR_IP | MSR_ILE);
        if (msr & MSR_ILE)
            m |= MSR_LE;
    }
    if (vec == PPC_VEC_MCHECK)
        m &= ~MSR_ME;
    return m;
}

void ppc_deliver(struct vcpu *v, unsigned vec, uint64_t srr0, uint64_t reason)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    struct ppc_vcpu *pv = v->arch;
    uint64_t base = 0;
    if (pv->magic.mapped)
        ppc_magic_pull(v);
    uint64_t msr = ppc_get(vm, UC_PPC_REG_MSR);
    if (!pvm->is64) {
        srr0 &= 0xFFFFFFFFULL;
        if (msr & MSR_IP)
            base = 0xFFF00000ULL;
    }
    if (srr0 == base + vec && !(reason == 0 && vec == PPC_VEC_SYSCALL)) {
        /* The handler's own first instruction raised the same interrupt: nothing the guest set
         * up can ever run (e.g. empty vectors, whose zero words are illegal instructions). */
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s interrupt (0x%x) raised by its own vector at 0x%llx: the guest has no "
                "handler there",
                v->id, vec_name(vec), vec, (unsigned long long)srr0);
        return;
    }
    uint64_t srr1 = (msr & ~SRR1_INT_MASK) | reason;
    if (!pvm->is64)
        srr1 &= 0xFFFFFFFFULL;
    ppc_set_srr(v, srr0, srr1);
    ppc_set(vm, UC_PPC_REG_MSR, interrupt_msr(pvm, msr, vec));
    ppc_jump(v, base + vec);
    vm->stats.exceptions_delivered++;
    pv->deliveries++;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"vector", "srr0", "srr1"};
        const uint64_t vals[] = {vec, srr0, srr1};
        trace_event(vm, v->id, srr0, "exception", 3, keys, vals);
    }
    if (pv->magic.mapped)
        ppc_magic_push(v);
}

void ppc_handle_exception(struct vcpu *v, uint32_t intno)
{
    struct vm *vm = v->vm;
    /* Unicorn adds 4 to the PC of every exception it reports: the instruction is at PC - 4. */
    uint64_t at = ppc_get(vm, UC_PPC_REG_PC) - 4;
    uint64_t msr = ppc_get(vm, UC_PPC_REG_MSR);
    uint32_t insn = 0;
    switch (intno) {
    case PPC_EXCP_MCHECK:
        ppc_deliver(v, PPC_VEC_MCHECK, at, 0);
        break;
    case PPC_EXCP_DSI: /* DAR and DSISR were set by the engine's MMU when it faulted */
        ppc_deliver(v, PPC_VEC_DSI, at, 0);
        break;
    case PPC_EXCP_ISI: /* the engine does not say why: reported as "no translation" */
        ppc_deliver(v, PPC_VEC_ISI, at, SRR1_ISI_NOPTE);
        break;
    case PPC_EXCP_DSEG:
        ppc_deliver(v, PPC_VEC_DSEG, at, 0);
        break;
    case PPC_EXCP_ISEG:
        ppc_deliver(v, PPC_VEC_ISEG, at, 0);
        break;
    case PPC_EXCP_ALIGN:
        ppc_deliver(v, PPC_VEC_ALIGN, at, 0);
        break;
    case PPC_EXCP_PROGRAM:
    case PPC_EXCP_HV_EMU:
        ppc_fetch_insn(v, at, msr, &insn);
        ppc_deliver(v, PPC_VEC_PROGRAM, at, ppc_program_reason(intno, insn));
        break;
    case PPC_EXCP_FPU:
        ppc_deliver(v, PPC_VEC_FPU, at, 0);
        break;
    case PPC_EXCP_VPU:
        ppc_deliver(v, PPC_VEC_VPU, at, 0);
        break;
    case PPC_EXCP_VSXU:
        ppc_deliver(v, PPC_VEC_VSXU, at, 0);
        break;
    case PPC_EXCP_FU:
        ppc_deliver(v, PPC_VEC_FU, at, 0);
        break;
    case PPC_EXCP_TRACE: /* SRR0: the instruction after the traced one */
        ppc_deliver(v, PPC_VEC_TRACE, at, 0);
        break;
    case PPC_EXCP_IABR:
        ppc_deliver(v, PPC_VEC_IABR, at, 0);
        break;
    case PPC_EXCP_PERFM:
        ppc_deliver(v, PPC_VEC_PERFM, at, 0);
        break;
    case PPC_EXCP_IFTLB:
    case PPC_EXCP_DLTLB:
    case PPC_EXCP_DSTLB:
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: software TLB miss (exception %u) at 0x%llx: softkvm cannot give the "
                "guest the miss registers this model's handler needs (use real mode or BATs)",
                v->id, intno, (unsigned long long)at);
        break;
    default:
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: exception %u at 0x%llx, which softkvm does not deliver on this model",
                v->id, intno, (unsigned long long)at);
        break;
    }
}

void ppc_handle_mem_fault(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t msr = ppc_get(vm, UC_PPC_REG_MSR);
    const char *what =
        v->exit.access == UC_MEM_FETCH_UNMAPPED || v->exit.access == UC_MEM_FETCH_PROT
            ? "instruction fetch from"
        : v->exit.access == UC_MEM_WRITE_UNMAPPED || v->exit.access == UC_MEM_WRITE_PROT
            ? "write to"
            : "read of";
    if (!(msr & MSR_ME)) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: checkstop: machine check with MSR[ME] = 0 (%s guest-physical 0x%llx, "
                "where nothing is mapped, at PC 0x%llx)",
                v->id, what, (unsigned long long)v->exit.addr, (unsigned long long)v->exit.pc);
        return;
    }
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"addr", "access"};
        const uint64_t vals[] = {v->exit.addr, (uint64_t)v->exit.access};
        trace_event(vm, v->id, v->exit.pc, "mem_fault", 2, keys, vals);
    }
    /* An access where no RAM or device answers is a machine check on real hardware. */
    ppc_deliver(v, PPC_VEC_MCHECK, v->exit.pc, 0);
}
