/* Direct access to the engine's live s390x CPU state for the DIAGNOSE fast path, located once per
 * engine by a search that is checked against the register API (and skipped when it fails). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/psw.h"
#include "arch/s390x/s390x.h"
#include "softkvm/engine_state.h"

/* What the search needs: the markers and the offset of the PSW mask in the CPU state. */
struct probe {
    uc_engine *uc;
    uint64_t marks[16];
    size_t psw_mask;
};

/* engine_state_accept_fn: the PSW mask is where expected (the condition code aside: the engine
 * keeps it apart and merges it on reads), and r3 written through the API shows up there and
 * written there shows up through the API. */
static bool is_live(uintptr_t env, void *user)
{
    const struct probe *p = user;
    uint64_t mask = 0, api_mask = 0;
    if (engine_probe_read(env + p->psw_mask, &mask, 8) != 8 ||
        uc_reg_read(p->uc, UC_S390X_REG_PSWM, &api_mask) != UC_ERR_OK ||
        (mask & ~PSW_MASK_CC) != (api_mask & ~PSW_MASK_CC))
        return false;
    return engine_state_check_register(p->uc, UC_S390X_REG_R3, env + 3 * 8, 8, p->marks[3]);
}

/* The offset of the PSW mask in the state: the GPR block's place in a snapshot of the saved
 * context gives the header's size; the calibrated layout has the mask's place in a context. */
static int find_offsets(const struct s390_ctx_layout *lay, struct probe *p)
{
    uint8_t *blob;
    size_t len;
    size_t head;
    int rc = engine_context_snapshot(p->uc, p->marks, sizeof(p->marks), &blob, &len, &head);
    if (rc != 0)
        return rc;
    free(blob);
    if (head + 8 > lay->psw_addr)
        return -ENOENT;
    p->psw_mask = lay->psw_addr - 8 - head;
    return 0;
}

int s390_live_find(uc_engine *uc, const struct s390_ctx_layout *lay, struct s390_live *live)
{
    memset(live, 0, sizeof(*live));
    struct probe p = {.uc = uc};
    int ids[16];
    uint64_t saved[16];
    void *saved_p[16], *marks_p[16];
    for (unsigned i = 0; i < 16; i++) {
        ids[i] = UC_S390X_REG_R0 + (int)i;
        p.marks[i] = 0x9E3779B97F4A7C15ULL * (i + 1) ^ 0x5EC0FF5E00000000ULL;
        saved_p[i] = &saved[i];
        marks_p[i] = &p.marks[i];
    }
    if (uc_reg_read_batch(uc, ids, saved_p, 16) != UC_ERR_OK)
        return -ENOTSUP;
    uintptr_t env = 0;
    int rc = uc_reg_write_batch(uc, ids, marks_p, 16) == UC_ERR_OK ? 0 : -ENOTSUP;
    if (rc == 0)
        rc = find_offsets(lay, &p);
    if (rc == 0)
        rc = engine_state_search(uc, p.marks, sizeof(p.marks), is_live, &p, &env);
    if (uc_reg_write_batch(uc, ids, saved_p, 16) != UC_ERR_OK)
        rc = -ENOTSUP;
    if (rc == 0) {
        live->regs = (uint64_t *)env;
        live->psw_mask = (const uint64_t *)(env + p.psw_mask);
    }
    return rc;
}
