/* Direct access to the engine's live PowerPC CPU state for the sc fast path, located once per
 * engine by a search that is checked against the register API (and skipped when it fails). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/ppc.h"
#include "softkvm/engine_state.h"

#define PC_MAGIC 0x5EC0F00CULL /* word-aligned, fits ppc32 */

/* What the search needs: the markers and their offsets in the CPU state. */
struct probe {
    uc_engine *uc;
    unsigned width;        /* bytes per register: 4 (ppc) or 8 (ppc64) */
    uint8_t marks[256];    /* r0..r31 as the state holds them */
    uint64_t msr_a, msr_b; /* two MSR values, then what the engine made of them */
    size_t nip, msr;
};

static uint64_t mark(unsigned i, unsigned width)
{
    uint64_t m = 0x9E3779B97F4A7C15ULL * (i + 1) ^ 0x5EC0FF5E00000000ULL;
    return width == 4 ? (m & 0xFFFFFFFFULL) : m;
}

/* Offsets from two saved contexts (copies of the state behind a header): the GPR block and the
 * PC marker in the first, MSR as the one field that changed from msr_a to msr_b. Freed before the
 * search so that a copy cannot be mistaken for the state. */
static int find_offsets(struct probe *p)
{
    /* The engine may keep bits the API cannot clear (ppc64's HV): compare what it reads back. */
    uint64_t want_a = p->msr_a, want_b = p->msr_b;
    size_t marks_len = 32 * (size_t)p->width, len = 0, len_b = 0;
    uint8_t *x = NULL, *y = NULL;
    size_t head = 0, head_b = 0;
    int rc_a = -ENOTSUP, rc_b = -ENOTSUP;
    p->msr_a = p->msr_b = 0; /* ppc32 reads fill the low 4 bytes */
    if (uc_reg_write(p->uc, UC_PPC_REG_MSR, &want_a) == UC_ERR_OK &&
        uc_reg_read(p->uc, UC_PPC_REG_MSR, &p->msr_a) == UC_ERR_OK)
        rc_a = engine_context_snapshot(p->uc, p->marks, marks_len, &x, &len, &head);
    if (rc_a == 0 && uc_reg_write(p->uc, UC_PPC_REG_MSR, &want_b) == UC_ERR_OK &&
        uc_reg_read(p->uc, UC_PPC_REG_MSR, &p->msr_b) == UC_ERR_OK)
        rc_b = engine_context_snapshot(p->uc, p->marks, marks_len, &y, &len_b, &head_b);
    int rc = rc_a != 0 ? rc_a : rc_b != 0 ? rc_b : -ENOENT;
    if (rc_a == 0 && rc_b == 0 && head_b == head && len_b == len && p->msr_a != p->msr_b) {
        long nip = engine_blob_find(x, len, PC_MAGIC, p->width);
        long msr = -1;
        for (size_t o = 0; o + p->width <= len; o += p->width) {
            if (engine_load_reg(x + o, p->width) == p->msr_a &&
                engine_load_reg(y + o, p->width) == p->msr_b)
                msr = msr < 0 ? (long)o : -2;
        }
        if (nip > (long)head && msr > (long)head) {
            p->nip = (size_t)nip - head;
            p->msr = (size_t)msr - head;
            rc = 0;
        }
    }
    free(x);
    free(y);
    return rc;
}

/* engine_state_accept_fn: the PC and MSR are where expected, and r3 written through the API shows
 * up there and written there shows up through the API. */
static bool is_live(uintptr_t env, void *user)
{
    const struct probe *p = user;
    uint8_t buf[8];
    if (engine_probe_read(env + p->nip, buf, p->width) != p->width ||
        engine_load_reg(buf, p->width) != PC_MAGIC ||
        engine_probe_read(env + p->msr, buf, p->width) != p->width ||
        engine_load_reg(buf, p->width) != p->msr_b)
        return false;
    return engine_state_check_register(p->uc, UC_PPC_REG_3, env + 3 * p->width, p->width,
                                       engine_load_reg(p->marks + 3 * p->width, p->width));
}

int ppc_live_find(uc_engine *uc, bool is64, uint64_t msr_a, uint64_t msr_b, struct ppc_live *live)
{
    memset(live, 0, sizeof(*live));
    struct probe p = {.uc = uc, .width = is64 ? 8 : 4, .msr_a = msr_a, .msr_b = msr_b};
    int ids[32];
    uint64_t saved[32], marks[32];
    void *saved_p[32], *marks_p[32];
    for (unsigned i = 0; i < 32; i++) {
        ids[i] = UC_PPC_REG_0 + (int)i;
        saved[i] = 0;
        marks[i] = mark(i, p.width);
        saved_p[i] = &saved[i];
        marks_p[i] = &marks[i];
        if (p.width == 4) {
            uint32_t m = (uint32_t)marks[i];
            memcpy(p.marks + 4 * i, &m, 4);
        } else {
            memcpy(p.marks + 8 * i, &marks[i], 8);
        }
    }
    uint64_t saved_pc = 0, saved_msr = 0, pc = PC_MAGIC;
    if (uc_reg_read_batch(uc, ids, saved_p, 32) != UC_ERR_OK ||
        uc_reg_read(uc, UC_PPC_REG_PC, &saved_pc) != UC_ERR_OK ||
        uc_reg_read(uc, UC_PPC_REG_MSR, &saved_msr) != UC_ERR_OK)
        return -ENOTSUP;
    uintptr_t env = 0;
    int rc = uc_reg_write_batch(uc, ids, marks_p, 32) == UC_ERR_OK &&
                     uc_reg_write(uc, UC_PPC_REG_PC, &pc) == UC_ERR_OK
                 ? 0
                 : -ENOTSUP;
    if (rc == 0)
        rc = find_offsets(&p);
    if (rc == 0)
        rc = engine_state_search(uc, p.marks, 32 * (size_t)p.width, is_live, &p, &env);
    if (uc_reg_write_batch(uc, ids, saved_p, 32) != UC_ERR_OK ||
        uc_reg_write(uc, UC_PPC_REG_PC, &saved_pc) != UC_ERR_OK ||
        uc_reg_write(uc, UC_PPC_REG_MSR, &saved_msr) != UC_ERR_OK)
        rc = -ENOTSUP;
    if (rc == 0) {
        live->gpr = (uint8_t *)env;
        live->nip = (const uint8_t *)env + p.nip;
        live->msr = (const uint8_t *)env + p.msr;
        live->width = p.width;
    }
    return rc;
}
