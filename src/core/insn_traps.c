/* Instruction traps (include/softkvm/insn_trap.h): the engine reports each block it translates
 * (UC_HOOK_EDGE_GENERATED, a translation-time callback); the arch's scanner decodes the block
 * from its first instruction, so the sites found are real instructions, never stray bytes. A
 * block holding an untrapped site is not run: the engine stops, the site gets a one-address
 * code hook, the block's translation is dropped and the block is translated again, now with the
 * hook. Code that holds no sites pays nothing at run time. */
#include "softkvm/insn_trap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

/* Sites looked at per translated block inside the translator; more means "stop and look". */
#define SCAN_MAX 64

/* Index of the first site whose address is >= addr. */
static size_t lower_bound(const struct insn_trap_set *s, uint64_t addr)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct insn_trap_site *insn_trap_set_find(const struct insn_trap_set *s, uint64_t addr)
{
    size_t i = lower_bound(s, addr);
    return i < s->n && s->v[i].addr == addr ? &s->v[i] : NULL;
}

int insn_trap_set_add(struct insn_trap_set *s, const struct insn_trap_site *site)
{
    size_t i = lower_bound(s, site->addr);
    if (i < s->n && s->v[i].addr == site->addr)
        return -EEXIST;
    if (s->n >= INSN_TRAP_MAX_SITES)
        return -ENOSPC;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct insn_trap_site *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
    s->v[i] = *site;
    s->n++;
    return 0;
}

int insn_trap_set_remove(struct insn_trap_set *s, uint64_t addr)
{
    size_t i = lower_bound(s, addr);
    if (i >= s->n || s->v[i].addr != addr)
        return -ENOENT;
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
    s->n--;
    return 0;
}

void insn_trap_set_release(struct insn_trap_set *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

int insn_trap_read_code(struct vm *vm, uint64_t addr, uint8_t *buf, size_t len)
{
    while (len > 0) {
        uint64_t pa;
        if (uc_vmem_translate(vm->uc, addr, UC_PROT_EXEC, &pa) != UC_ERR_OK)
            return -EFAULT;
        size_t chunk = SKVM_PAGE_SIZE - (addr & (SKVM_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (gmem_read(&vm->mem, pa, buf, chunk) != 0)
            return -EFAULT;
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

static struct vcpu *running(struct vm *vm)
{
    return vm->running != NULL ? vm->running : &vm->vcpus[0];
}

/* Scan the block [pc, pc + size) into sites (up to max). Returns how many sites it holds, or
 * -EFAULT when its bytes cannot be read (then the engine could not have translated it from RAM
 * either, and nothing is trapped). */
static long scan_block(struct insn_traps *t, uint64_t pc, uint64_t size, struct insn_site *sites,
                       size_t max)
{
    uint8_t code[INSN_TRAP_MAX_BLOCK];
    if (size > sizeof(code))
        size = sizeof(code);
    if (insn_trap_read_code(t->vm, pc, code, size) != 0)
        return -EFAULT;
    return (long)t->cfg.scan(t->cfg.scan_ctx, code, size, pc, sites, max);
}

/* The code hook at a site: record the exit its kind asks for and stop before the instruction
 * executes. */
static void hook_site(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    const struct insn_trap_hookctx *k = user;
    struct vcpu *v = running(k->t->vm);
    v->exit.kind = k->exit;
    v->exit.pc = addr;
    uc_emu_stop(uc);
}

/* A block was translated. If it holds a site that is not trapped yet, stop before it runs: the
 * engine checks for a stop request between finding a block and running it. */
static void hook_block_translated(uc_engine *uc, uc_tb *cur, uc_tb *prev, void *user)
{
    struct insn_traps *t = user;
    t->blocks_scanned++;
    if (cur->size == 0)
        return;
    struct insn_site sites[SCAN_MAX];
    long n = scan_block(t, cur->pc, cur->size, sites, SCAN_MAX);
    for (long i = 0; i < n; i++) {
        if (i >= SCAN_MAX || insn_trap_set_find(&t->sites, sites[i].addr) == NULL) {
            struct vcpu *v = running(t->vm);
            v->exit.kind = EXIT_ARCH;
            v->exit.pc = cur->pc;
            t->pending = true;
            t->block_pc = cur->pc;
            t->block_size = cur->size;
            uc_emu_stop(uc);
            return;
        }
    }
}

void insn_traps_handle_pending(struct insn_traps *t, struct vcpu *v)
{
    struct vm *vm = t->vm;
    struct insn_site *sites = t->scratch;
    long n = scan_block(t, t->block_pc, t->block_size, sites, INSN_TRAP_MAX_BLOCK);
    t->pending = false;
    for (long i = 0; i < n; i++) {
        const struct insn_site *f = &sites[i];
        if (insn_trap_set_find(&t->sites, f->addr) != NULL)
            continue;
        if (f->kind >= INSN_TRAP_MAX_KINDS) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the %s scanner reported kind %u at 0x%llx",
                    t->cfg.what, f->kind, (unsigned long long)f->addr);
            return;
        }
        uc_hook h;
        if (uc_hook_add(vm->uc, &h, UC_HOOK_CODE, (void *)hook_site, &t->kinds[f->kind], f->addr,
                        f->addr) != UC_ERR_OK) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused a code hook at 0x%llx",
                    (unsigned long long)f->addr);
            return;
        }
        const struct insn_trap_site site = {f->addr, (uintptr_t)h, f->len, f->kind};
        int rc = insn_trap_set_add(&t->sites, &site);
        if (rc != 0) {
            ENGINE_OK(vm, uc_hook_del(vm->uc, h));
            vm_stop(vm, OUTCOME_HOST_ERROR, 0,
                    "cannot trap the %s at 0x%llx: %s (at most %d sites)", t->cfg.what,
                    (unsigned long long)f->addr, rc == -ENOSPC ? "too many sites" : "no memory",
                    INSN_TRAP_MAX_SITES);
            return;
        }
        if (t->cfg.trace_name != NULL && trace_enabled(vm)) {
            static const char *const keys[] = {"site"};
            const uint64_t vals[] = {f->addr};
            trace_event(vm, v->id, t->block_pc, t->cfg.trace_name, 1, keys, vals);
        }
    }
    /* The block was translated without the hooks: translate it again before it runs. */
    if (uc_ctl_remove_cache(vm->uc, t->block_pc, t->block_pc + t->block_size) != UC_ERR_OK)
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused to drop the block at 0x%llx",
                (unsigned long long)t->block_pc);
}

void insn_traps_forget(struct insn_traps *t, uint64_t addr)
{
    struct insn_trap_site *site = insn_trap_set_find(&t->sites, addr);
    if (site == NULL)
        return;
    /* Deleting the hook also drops every block translated with it. */
    if (uc_hook_del(t->vm->uc, (uc_hook)site->hook) != UC_ERR_OK)
        vm_stop(t->vm, OUTCOME_HOST_ERROR, 0, "the engine refused to delete the hook at 0x%llx",
                (unsigned long long)addr);
    insn_trap_set_remove(&t->sites, addr);
    t->sites_removed++;
}

int insn_traps_init(struct insn_traps *t, struct vm *vm, const struct insn_trap_config *cfg,
                    char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    t->vm = vm;
    t->cfg = *cfg;
    for (unsigned k = 0; k < INSN_TRAP_MAX_KINDS; k++)
        t->kinds[k] = (struct insn_trap_hookctx){t, cfg->exit[k]};
    t->scratch = calloc(INSN_TRAP_MAX_BLOCK, sizeof(*t->scratch));
    if (t->scratch == NULL) {
        snprintf(err, errlen, "out of host memory for the %s finder", cfg->what);
        return -ENOMEM;
    }
    uc_hook h;
    if (uc_hook_add(vm->uc, &h, UC_HOOK_EDGE_GENERATED, (void *)hook_block_translated, t, 1, 0) !=
        UC_ERR_OK) {
        snprintf(err, errlen, "the engine refused the translation hook that finds %s sites",
                 cfg->what);
        return -ENOTSUP;
    }
    return 0;
}

void insn_traps_release(struct insn_traps *t)
{
    insn_trap_set_release(&t->sites);
    free(t->scratch);
    t->scratch = NULL;
}
