/* CPU state Unicorn's s390x API does not expose (program-interruption code and ILC, SVC number,
 * prefix), reached through saved contexts at offsets calibrated once per VM on a throwaway
 * engine: nothing is assumed about the layout of QEMU's CPU state. */
#include <errno.h>
#include <string.h>

#include "arch/s390x/s390x.h"
#include "softkvm/engine_check.h"

#define CAL_RAM 0x10000ULL
#define CAL_PC  0x0ABCDEF0ULL /* a PSW address no register or field holds by chance */
#define CAL_PSA 0x6000ULL     /* the prefix the probe sets */
#define CAL_SVC 0x5A

struct cal {
    uc_engine *uc;
    size_t len;
};

static void cal_intr(uc_engine *uc, uint32_t intno, void *user)
{
    *(uint32_t *)user = intno;
    uc_emu_stop(uc);
}

/* Run from pc with PSW mask mask until the first interruption; save the state into ctx. Returns
 * the interruption class, or 0 when none came or the engine refused a step. */
static uint32_t cal_run(struct cal *c, uint32_t *intno, uint64_t mask, uint64_t pc, uc_context *ctx)
{
    *intno = 0;
    if (uc_reg_write(c->uc, UC_S390X_REG_PSWM, &mask) != UC_ERR_OK ||
        uc_emu_start(c->uc, pc, 0, 0, 0) != UC_ERR_OK || uc_context_save(c->uc, ctx) != UC_ERR_OK)
        return 0;
    return *intno;
}

static uint32_t u32_at(const uc_context *ctx, size_t off)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)ctx + off, 4);
    return v;
}

static uint64_t u64_at(const uc_context *ctx, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)ctx + off, 8);
    return v;
}

/* The one 4-aligned offset where (u32, next u32) is (a0, a1) in x and (b0, b1) in y, or 0. */
static size_t find_pair(const uc_context *x, uint32_t a0, uint32_t a1, const uc_context *y,
                        uint32_t b0, uint32_t b1, size_t len)
{
    size_t found = 0;
    unsigned hits = 0;
    for (size_t o = 4; o + 8 <= len; o += 4) {
        if (u32_at(x, o) == a0 && u32_at(x, o + 4) == a1 && u32_at(y, o) == b0 &&
            u32_at(y, o + 4) == b1) {
            found = o;
            hits++;
        }
    }
    return hits == 1 ? found : 0;
}

int s390_ctx_calibrate(struct s390_ctx_layout *lay, char *err, size_t errlen)
{
    static const uint8_t code[] = {
        [0x000] = 0x00, 0x00,                /* 0x1000: operation exception, ILC 1 */
        [0x010] = 0x0A, CAL_SVC,             /* 0x1010: svc 0x5a */
        [0x020] = 0xB2, 0x10,    0x01, 0x00, /* 0x1020: spx 0x100 */
        [0x024] = 0x00, 0x00,                /*         operation exception */
        [0x030] = 0x83, 0x24,    0x05, 0x00, /* 0x1030: diag 2,4,0x500 */
    };
    const uint32_t psa = (uint32_t)CAL_PSA;
    const uint8_t psa_be[4] = {(uint8_t)(psa >> 24), (uint8_t)(psa >> 16), (uint8_t)(psa >> 8),
                               (uint8_t)psa};
    struct cal c = {NULL, 0};
    uc_context *ctx[4] = {NULL, NULL, NULL, NULL};
    uint32_t intno = 0;
    int rc = -1;
    uc_hook h;
    if (uc_open(UC_ARCH_S390X, UC_MODE_BIG_ENDIAN, &c.uc) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn cannot create an s390x engine");
        return -ENOTSUP;
    }
    if (uc_mem_map(c.uc, 0, CAL_RAM, UC_PROT_ALL) != UC_ERR_OK ||
        uc_mem_write(c.uc, 0x1000, code, sizeof(code)) != UC_ERR_OK ||
        uc_mem_write(c.uc, 0x100, psa_be, 4) != UC_ERR_OK ||
        uc_hook_add(c.uc, &h, UC_HOOK_INTR, (void *)cal_intr, &intno, 1, 0) != UC_ERR_OK)
        goto out;
    for (int i = 0; i < 4; i++)
        if (uc_context_alloc(c.uc, &ctx[i]) != UC_ERR_OK)
            goto out;
    c.len = uc_context_size(c.uc);

    /* The PSW: a marker address with a known mask, before anything runs. */
    uint64_t mask = PSW_MASK_64, pc = CAL_PC;
    if (uc_reg_write(c.uc, UC_S390X_REG_PSWM, &mask) != UC_ERR_OK)
        goto out;
    if (uc_reg_write(c.uc, UC_S390X_REG_PC, &pc) != UC_ERR_OK)
        goto out;
    if (uc_context_save(c.uc, ctx[0]) != UC_ERR_OK)
        goto out;
    lay->psw_addr = 0;
    for (size_t o = 8; o + 8 <= c.len; o += 8) {
        if (u64_at(ctx[0], o) == CAL_PC && u64_at(ctx[0], o - 8) == PSW_MASK_64) {
            if (lay->psw_addr != 0)
                goto out; /* ambiguous */
            lay->psw_addr = o;
        }
    }
    if (lay->psw_addr == 0)
        goto out;

    /* Program code and ILC: an operation exception (1, 2 bytes) and a DIAGNOSE in problem
     * state (privileged operation: 2, 4 bytes). */
    if (cal_run(&c, &intno, PSW_MASK_64, 0x1000, ctx[0]) != S390_EXCP_PGM ||
        cal_run(&c, &intno, PSW_MASK_64 | PSW_MASK_PSTATE, 0x1030, ctx[1]) != S390_EXCP_PGM)
        goto out;
    lay->pgm_code = find_pair(ctx[0], PGM_OPERATION, 2, ctx[1], PGM_PRIVILEGED, 4, c.len);
    if (lay->pgm_code == 0 || u64_at(ctx[0], lay->psw_addr) != 0x1000 ||
        u64_at(ctx[1], lay->psw_addr) != 0x1030)
        goto out;
    lay->pgm_ilen = lay->pgm_code + 4;

    /* SVC number and length: svc 0x5a (2 bytes); the field is 0 before. */
    if (cal_run(&c, &intno, PSW_MASK_64, 0x1010, ctx[2]) != S390_EXCP_SVC)
        goto out;
    lay->svc_code = find_pair(ctx[2], CAL_SVC, 2, ctx[1], 0, 0, c.len);
    if (lay->svc_code == 0)
        goto out;
    lay->svc_ilen = lay->svc_code + 4;

    /* The prefix: SET PREFIX to CAL_PSA (it was 0). */
    if (cal_run(&c, &intno, PSW_MASK_64, 0x1020, ctx[3]) != S390_EXCP_PGM)
        goto out;
    lay->psa = 0;
    for (size_t o = 8; o + 8 <= c.len; o += 8) {
        if (u64_at(ctx[3], o) == CAL_PSA && u64_at(ctx[2], o) == 0) {
            if (lay->psa != 0)
                goto out;
            lay->psa = o;
        }
    }
    if (lay->psa != 0)
        rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen,
                 "cannot locate the s390x CPU state inside Unicorn's context "
                 "(is this Unicorn 2.1.4?)");
    for (int i = 0; i < 4; i++)
        if (ctx[i] != NULL)
            uc_context_free(ctx[i]);
    uc_close(c.uc);
    return rc == 0 ? 0 : -ENOTSUP;
}

void s390_ctx_snapshot(struct vm *vm)
{
    struct s390_vm *s = vm->arch_state;
    ENGINE_OK(vm, uc_context_save(vm->uc, s->ctx));
}

uint32_t s390_ctx_u32(const struct vm *vm, size_t off)
{
    const struct s390_vm *s = vm->arch_state;
    return u32_at(s->ctx, off);
}

uint64_t s390_ctx_u64(const struct vm *vm, size_t off)
{
    const struct s390_vm *s = vm->arch_state;
    return u64_at(s->ctx, off);
}
