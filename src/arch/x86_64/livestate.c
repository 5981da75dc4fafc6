/* Direct access to the engine's live x86 CPU state for the hypercall fast path, located once per
 * engine by a search that is checked against the register API (and skipped when it fails). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/engine_state.h"

#define NGPR      16
#define SEG_SIZE  24
#define SEG_CS    1
#define RIP_MAGIC 0x00005EC0FF5E1234ULL
#define CR3_MAGIC 0x00005EC0FF5E3000ULL

static const int gpr_ids[NGPR] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
}; /* QEMU's order of env->regs[] */

/* What the search needs: the markers and their offsets in the CPU state. */
struct probe {
    uc_engine *uc;
    const uint64_t *gprs;
    size_t rip, cr3, cs_sel;
};

/* Offsets of the markers in the CPU state, from a snapshot of the saved context. */
static int find_offsets(const struct x86_ctx_layout *lay, struct probe *p)
{
    uint8_t *blob;
    size_t len;
    size_t head;
    int rc = engine_context_snapshot(p->uc, p->gprs, sizeof(uint64_t) * NGPR, &blob, &len, &head);
    if (rc != 0)
        return rc;
    long rip = engine_blob_find(blob, len, RIP_MAGIC, 8);
    long cr3 = engine_blob_find(blob, len, CR3_MAGIC, 8);
    free(blob);
    if (rip <= (long)head || cr3 <= (long)head || head >= lay->segs)
        return -ENOENT;
    p->rip = (size_t)rip - head;
    p->cr3 = (size_t)cr3 - head;
    p->cs_sel = lay->segs - head + SEG_CS * SEG_SIZE;
    return 0;
}

/* engine_state_accept_fn: the markers are there, and a register written through the API shows
 * up there and one written there shows up through the API. */
static bool is_live(uintptr_t env, void *user)
{
    const struct probe *p = user;
    uint64_t rip = 0, cr3 = 0, cs = 0;
    uint32_t sel = 0;
    if (engine_probe_read(env + p->rip, &rip, 8) != 8 ||
        engine_probe_read(env + p->cr3, &cr3, 8) != 8 ||
        engine_probe_read(env + p->cs_sel, &sel, 4) != 4 || rip != RIP_MAGIC || cr3 != CR3_MAGIC ||
        uc_reg_read(p->uc, UC_X86_REG_CS, &cs) != UC_ERR_OK || sel != (uint32_t)(cs & 0xffff))
        return false;
    return engine_state_check_register(p->uc, UC_X86_REG_RAX, env, 8, p->gprs[0]);
}

/* Locate everything while the registers hold the markers; 0 when found and checked. */
static int locate(const struct x86_ctx_layout *lay, struct probe *p, struct x86_live *live)
{
    int rc = find_offsets(lay, p);
    uintptr_t env = 0;
    if (rc == 0)
        rc = engine_state_search(p->uc, p->gprs, sizeof(uint64_t) * NGPR, is_live, p, &env);
    if (rc != 0)
        return rc;
    live->regs = (uint64_t *)env;
    live->rip = (uint64_t *)(env + p->rip);
    live->cr3 = (uint64_t *)(env + p->cr3);
    live->cs_sel = (const uint32_t *)(env + p->cs_sel);
    return 0;
}

int x86_live_find(uc_engine *uc, const struct x86_ctx_layout *lay, struct x86_live *live)
{
    memset(live, 0, sizeof(*live));
    uint64_t saved[NGPR], saved_rip = 0, saved_cr3 = 0, marks[NGPR];
    void *saved_p[NGPR], *marks_p[NGPR];
    for (unsigned i = 0; i < NGPR; i++) {
        marks[i] = 0x9E3779B97F4A7C15ULL * (i + 1) ^ 0x5EC0FF5E00000000ULL;
        saved_p[i] = &saved[i];
        marks_p[i] = &marks[i];
    }
    if (uc_reg_read_batch(uc, gpr_ids, saved_p, NGPR) != UC_ERR_OK ||
        uc_reg_read(uc, UC_X86_REG_RIP, &saved_rip) != UC_ERR_OK ||
        uc_reg_read(uc, UC_X86_REG_CR3, &saved_cr3) != UC_ERR_OK)
        return -ENOTSUP;
    uint64_t rip = RIP_MAGIC, cr3 = CR3_MAGIC;
    struct probe p = {.uc = uc, .gprs = marks};
    int rc = -ENOTSUP;
    if (uc_reg_write_batch(uc, gpr_ids, marks_p, NGPR) == UC_ERR_OK &&
        uc_reg_write(uc, UC_X86_REG_RIP, &rip) == UC_ERR_OK &&
        uc_reg_write(uc, UC_X86_REG_CR3, &cr3) == UC_ERR_OK)
        rc = locate(lay, &p, live);
    if (uc_reg_write_batch(uc, gpr_ids, saved_p, NGPR) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_RIP, &saved_rip) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_CR3, &saved_cr3) != UC_ERR_OK)
        rc = -ENOTSUP;
    if (rc != 0)
        memset(live, 0, sizeof(*live));
    return rc;
}
