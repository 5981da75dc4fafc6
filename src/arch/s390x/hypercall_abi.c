/* The s390 DIAGNOSE hypercall ABI as pure functions: decoding, function code, register mapping. */
#include "arch/s390x/hypercall_abi.h"

#include "arch/s390x/psw.h"

bool s390_diag_decode(const uint8_t b[4], struct s390_diag *d)
{
    if (b[0] != S390_DIAG_OPCODE)
        return false;
    d->r1 = b[1] >> 4;
    d->r3 = b[1] & 0xF;
    d->b2 = b[2] >> 4;
    d->d2 = (uint16_t)(((b[2] & 0xF) << 8) | b[3]);
    return true;
}

uint16_t s390_diag_code(const struct s390_diag *d, const uint64_t gpr[16])
{
    uint64_t base = d->b2 != 0 ? gpr[d->b2] : 0;
    return (uint16_t)((base + d->d2) & 0xFFFF);
}

void s390_hc_make_call(const uint64_t gpr[16], uint64_t psw_mask, struct hc_call *call)
{
    call->nr = gpr[1];
    for (unsigned i = 0; i < HC_MAX_ARGS; i++)
        call->args[i] = i < S390_DIAG_NARGS ? gpr[2 + i] : 0;
    call->op_64bit = (psw_mask & PSW_MASK_64) == PSW_MASK_64;
    call->cpl = (psw_mask & PSW_MASK_PSTATE) ? 3 : 0;
}

uint64_t s390_hc_r2(const struct hc_result *res, uint64_t old_r2)
{
    return res->leave_ret ? old_r2 : (uint64_t)res->ret;
}
