/* The PowerPC register dump printed when a guest crashes. */
#include <inttypes.h>

#include "arch/ppc/ppc.h"

void ppc_dump_regs(struct vcpu *v, FILE *out)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    int w = pvm->is64 ? 16 : 8;
    fprintf(out, "vCPU %u registers (%s, %s):\n", v->id, pvm->is64 ? "ppc64" : "ppc",
            pvm->model->name);
    for (int i = 0; i < 32; i++)
        fprintf(out, "  r%-2d=%0*" PRIx64 "%s", i, w, ppc_get(vm, UC_PPC_REG_0 + i),
                (i % 4 == 3) ? "\n" : "");
    fprintf(out, "  PC =%0*" PRIx64 "  MSR=%0*" PRIx64 "  LR =%0*" PRIx64 "  CTR=%0*" PRIx64 "\n",
            w, ppc_resume_pc(v), w, ppc_get(vm, UC_PPC_REG_MSR), w, ppc_get(vm, UC_PPC_REG_LR), w,
            ppc_get(vm, UC_PPC_REG_CTR));
    fprintf(out, "  CR =%08" PRIx64 "  XER=%08" PRIx64 "\n", ppc_get(vm, UC_PPC_REG_CR),
            ppc_get(vm, UC_PPC_REG_XER));
    /* SPRs need a stub run; skip them if the VM already failed inside the engine. */
    if (vm->outcome.kind == OUTCOME_HOST_ERROR)
        return;
    static const enum ppc_reg sprs[] = {PPC_SRR0, PPC_SRR1, PPC_DAR, PPC_DSISR, PPC_DEC};
    fprintf(out, " ");
    for (unsigned i = 0; i < sizeof(sprs) / sizeof(sprs[0]); i++)
        fprintf(out, " %s=%0*" PRIx64, ppc_regs[sprs[i]].name, w, ppc_reg_read(v, sprs[i]));
    fprintf(out, "\n");
}
