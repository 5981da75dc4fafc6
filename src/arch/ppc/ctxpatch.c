/* ppc64 CPU state Unicorn's API cannot set, reached through a saved context at offsets found by
 * calibration: MSR[HV] (Unicorn's POWER10 faults every real-mode fetch without it) and the
 * timebase state pointer (NULL in Unicorn: a guest mfspr of PURR, HDEC or VTB would crash the
 * host). */
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/ppc.h"

/* Bytes of QEMU's ppc_tb_t are far fewer; a zeroed page is a timebase that never ticks, whose
 * timers are absent (the helpers check for NULL timers) and whose offsets are 0. */
#define TB_ENV_BYTES 4096

/* The offset of a 64-bit field that is a in blob x and b in blob y, if exactly one matches. */
static long find_change(const uint8_t *x, const uint8_t *y, size_t len, uint64_t a, uint64_t b)
{
    long found = -1;
    for (size_t o = 0; o + 8 <= len; o += 8) {
        uint64_t p, q;
        memcpy(&p, x + o, 8);
        memcpy(&q, y + o, 8);
        if (p == a && q == b) {
            if (found >= 0)
                return -2;
            found = (long)o;
        }
    }
    return found;
}

/* Whether a step of the calibration went through; if not, one line in err. */
static bool engine_step(uc_err e, char *err, size_t errlen)
{
    if (e == UC_ERR_OK)
        return true;
    snprintf(err, errlen, "the engine refused a step of the ppc64 context calibration: %s",
             uc_strerror(e));
    return false;
}

int ppc64_ctx_patch(struct vm *vm, char *err, size_t errlen)
{
    struct ppc_vm *pvm = ppc_vm_of(vm);
    uc_engine *uc = vm->uc;
    uc_context *ctx = NULL;
    uint8_t *a = NULL;
    int rc = -1;
    size_t len = uc_context_size(uc);
    if (uc_context_alloc(uc, &ctx) != UC_ERR_OK || (a = malloc(len)) == NULL) {
        snprintf(err, errlen, "out of host memory for the ppc64 context calibration");
        goto out;
    }
    const uint8_t *b = (const uint8_t *)ctx; /* the header and the CPU state after it */
    /* MSR: two values through the API, one field that follows them. */
    uint64_t m1 = MSR_SF | MSR_ME, m2 = MSR_SF, f0 = 0, f1 = 0xF0;
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_MSR, &m1), err, errlen))
        goto out;
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_FPSCR, &f0), err, errlen))
        goto out;
    if (!engine_step(uc_context_save(uc, ctx), err, errlen))
        goto out;
    memcpy(a, b, len);
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_MSR, &m2), err, errlen))
        goto out;
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_FPSCR, &f1), err,
                     errlen)) /* FPSCR enable bits: stored as written */
        goto out;
    if (!engine_step(uc_context_save(uc, ctx), err, errlen))
        goto out;
    long msr_off = find_change(a, b, len, m1, m2);
    long fpscr_off = find_change(a, b, len, 0, 0xF0);
    /* QEMU's CPUPPCState: target_ulong fpscr; ppc_tb_t *tb_env; ppc_dcr_t *dcr_env;
     * int dcache_line_size, icache_line_size. Check all of it before writing anything. */
    uint64_t tb = 1, dcr = 1;
    int32_t dline = 0, iline = 0;
    if (fpscr_off >= 0 && (size_t)fpscr_off + 32 <= len) {
        memcpy(&tb, b + fpscr_off + 8, 8);
        memcpy(&dcr, b + fpscr_off + 16, 8);
        memcpy(&dline, b + fpscr_off + 24, 4);
        memcpy(&iline, b + fpscr_off + 28, 4);
    }
    if (msr_off < 0 || fpscr_off < 0 || tb != 0 || dcr != 0 || dline != iline || dline < 32 ||
        dline > 256 || (dline & (dline - 1)) != 0) {
        snprintf(err, errlen,
                 "this Unicorn build's ppc64 CPU state is not laid out as softkvm calibrates it "
                 "(MSR at %ld, FPSCR at %ld): softkvm needs Unicorn 2.1.4",
                 msr_off, fpscr_off);
        goto out;
    }
    pvm->tb_env = calloc(1, TB_ENV_BYTES);
    if (pvm->tb_env == NULL) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    uint8_t *w = (uint8_t *)ctx;
    uint64_t msr = m2 | MSR_HV, tbp = (uint64_t)(uintptr_t)pvm->tb_env;
    memcpy(w + msr_off, &msr, 8);
    memcpy(w + fpscr_off + 8, &tbp, 8);
    if (!engine_step(uc_context_restore(uc, ctx), err, errlen))
        goto out;
    /* Through the API again so the engine recomputes its MSR-derived flags; HV is kept. */
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_FPSCR, &f0), err, errlen))
        goto out;
    if (!engine_step(uc_reg_write(uc, UC_PPC_REG_MSR, &m1), err, errlen))
        goto out;
    uint64_t now = 0;
    if (!engine_step(uc_reg_read(uc, UC_PPC_REG_MSR, &now), err, errlen))
        goto out;
    if (!(now & MSR_HV)) {
        snprintf(err, errlen, "Unicorn did not keep MSR[HV] after the context patch");
        goto out;
    }
    rc = 0;
out:
    if (ctx != NULL)
        uc_context_free(ctx);
    free(a);
    return rc;
}
