/* The s390x register dump printed when a guest crashes. */
#include <inttypes.h>

#include "arch/s390x/s390x.h"
#include "softkvm/engine_check.h"

void s390_dump_regs(struct vcpu *v, FILE *out)
{
    uc_engine *uc = v->vm->uc;
    uint64_t mask = 0, addr = 0, val[16];
    ENGINE_OK(v->vm, uc_reg_read(uc, UC_S390X_REG_PSWM, &mask));
    ENGINE_OK(v->vm, uc_reg_read(uc, UC_S390X_REG_PC, &addr));
    fprintf(out, "vCPU %u registers:\n  PSW=%016" PRIx64 " %016" PRIx64 " (%s, %s, %d-bit)\n",
            v->id, mask, addr, (mask & PSW_MASK_PSTATE) ? "problem" : "supervisor",
            (mask & PSW_MASK_DAT) ? "DAT on" : "DAT off",
            (mask & PSW_MASK_EA)   ? 64
            : (mask & PSW_MASK_BA) ? 31
                                   : 24);
    for (int i = 0; i < 16; i++)
        ENGINE_OK(v->vm, uc_reg_read(uc, UC_S390X_REG_R0 + i, &val[i]));
    for (int i = 0; i < 16; i++)
        fprintf(out, "  R%-2d=%016" PRIx64 "%s", i, val[i], (i % 4 == 3) ? "\n" : "");
    for (int i = 0; i < 16; i++)
        ENGINE_OK(v->vm, uc_reg_read(uc, UC_S390X_REG_CR0 + i, &val[i]));
    for (int i = 0; i < 16; i++)
        fprintf(out, "  C%-2d=%016" PRIx64 "%s", i, val[i], (i % 4 == 3) ? "\n" : "");
    s390_ctx_snapshot(v->vm);
    fprintf(out, "  prefix=%08" PRIx64 "\n",
            s390_ctx_u64(v->vm, ((struct s390_vm *)v->vm->arch_state)->lay.psa));
}
