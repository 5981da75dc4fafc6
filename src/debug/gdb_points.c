/* Breakpoints and watchpoints kept by softkvm as engine hooks bounded to their address range:
 * guest memory is never written, and code elsewhere runs without a callback. */
#include <errno.h>

#include "debug/gdbstub_int.h"
#include "softkvm/clock.h"

static void code_hit(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct gdb_point *p = user;
    struct gdbstub *s = p->stub;
    struct vcpu *v = s->vm->running;
    if (v == NULL)
        return;
    if (s->vm->debug->step == v)
        return; /* a step stops after one instruction anyway (step_hit) */
    if (s->stop_kind == STOP_NONE) {
        s->stop_kind = p->type == 0 ? STOP_SWBREAK : STOP_HWBREAK;
        s->stop_vcpu = v->id;
        s->stop_addr = addr;
    }
    if (v->exit.kind == EXIT_NONE)
        v->exit.kind = EXIT_DEBUG;
    uc_emu_stop(uc); /* before the instruction at addr executes */
}

/* A watched access: the access completes, and the engine stops at the next block boundary (a
 * stop inside the access would make the instruction run twice). */
static void mem_hit(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                    void *user)
{
    struct gdb_point *p = user;
    struct gdbstub *s = p->stub;
    struct vcpu *v = s->vm->running;
    if (v == NULL || s->stop_kind != STOP_NONE)
        return;
    s->stop_kind = p->type == 2 ? STOP_WATCH : p->type == 3 ? STOP_RWATCH : STOP_AWATCH;
    s->stop_vcpu = v->id;
    s->stop_addr = addr < p->addr ? p->addr : addr;
    vclock_kick(s->vm);
}

/* Every instruction while a step is on: the first is the stepped one, the engine stops before
 * the second. (The engine's own instruction count was not exact on every backend.) */
static void step_hit(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct gdbstub *s = user;
    struct vcpu *v = s->vm->running;
    if (v == NULL || v != s->vm->debug->step || s->step_seen++ == 0)
        return;
    if (v->exit.kind == EXIT_NONE)
        v->exit.kind = EXIT_DEBUG;
    uc_emu_stop(uc);
}

int gdb_step_begin(struct gdbstub *s, struct vcpu *v)
{
    if (uc_hook_add(s->vm->uc, &s->step_hook, UC_HOOK_CODE, (void *)step_hit, s, 1, 0) != UC_ERR_OK)
        return -1;
    uc_ctl_flush_tb(s->vm->uc); /* translated code would not call the new hook */
    s->step_on = true;
    s->step_seen = 0;
    s->vm->debug->step = v;
    return 0;
}

void gdb_step_end(struct gdbstub *s)
{
    if (!s->step_on)
        return;
    uc_hook_del(s->vm->uc, s->step_hook);
    uc_ctl_flush_tb(s->vm->uc); /* and back to code without a per-instruction callback */
    s->step_on = false;
    s->vm->debug->step = NULL;
}

int gdb_point_insert(struct gdbstub *s, int type, uint64_t addr, uint64_t len)
{
    if (type < 0 || type > 4 || (type >= 2 && (len == 0 || addr + len - 1 < addr)))
        return -1;
    struct gdb_point *p = NULL;
    for (unsigned i = 0; i < GDB_MAX_POINTS; i++) {
        struct gdb_point *q = &s->points[i];
        if (q->used && q->type == type && q->addr == addr && (type < 2 || q->len == len))
            return 0; /* already there */
        if (!q->used && p == NULL)
            p = q;
    }
    if (p == NULL)
        return -1;
    uc_err e;
    if (type < 2) {
        e = uc_hook_add(s->vm->uc, &p->hook, UC_HOOK_CODE, (void *)code_hit, p, addr, addr);
        if (e == UC_ERR_OK)
            e = uc_ctl_remove_cache(s->vm->uc, addr, addr + 1); /* re-translate with the hook */
    } else {
        int kind = type == 2   ? UC_HOOK_MEM_WRITE
                   : type == 3 ? UC_HOOK_MEM_READ
                               : UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE;
        /* The stop comes at a block boundary: the clock's block hook makes it. */
        if (vclock_enable(s->vm) != 0)
            return -1;
        e = uc_hook_add(s->vm->uc, &p->hook, kind, (void *)mem_hit, p, addr, addr + len - 1);
    }
    if (e != UC_ERR_OK)
        return -1;
    p->stub = s;
    p->used = true;
    p->type = type;
    p->addr = addr;
    p->len = len;
    return 0;
}

static void drop(struct gdbstub *s, struct gdb_point *p)
{
    uc_hook_del(s->vm->uc, p->hook);
    if (p->type < 2)
        uc_ctl_remove_cache(s->vm->uc, p->addr, p->addr + 1);
    p->used = false;
}

int gdb_point_remove(struct gdbstub *s, int type, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < GDB_MAX_POINTS; i++) {
        struct gdb_point *p = &s->points[i];
        if (p->used && p->type == type && p->addr == addr && (type < 2 || p->len == len)) {
            drop(s, p);
            return 0;
        }
    }
    return -1;
}

void gdb_points_clear(struct gdbstub *s)
{
    for (unsigned i = 0; i < GDB_MAX_POINTS; i++)
        if (s->points[i].used)
            drop(s, &s->points[i]);
}
