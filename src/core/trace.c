/* The JSON-lines trace of exits and hypercalls, written in order with a sequence number. */
#include "softkvm/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "softkvm/clock.h"
#include "softkvm/arch.h"
#include "softkvm/hypercall.h"
#include "softkvm/vm.h"

struct trace {
    FILE *f;
    uint64_t seq;
    bool failed;     /* a write failed: the run was ended, nothing more is written */
    char what[320];  /* "the trace file PATH" for the error line */
    uint64_t own_ns; /* virtual ns the trace's block hook counted while the clock was off */
    int actor;       /* the vCPU whose execution or exit is being handled, -1 for none */
    bool hooked;
};

/* After a record: a write error ends the run (stdio reports it when its buffer is flushed). */
static void check(struct vm *vm, struct trace *t)
{
    if (ferror(t->f) && !t->failed) {
        t->failed = true;
        vm_output_lost(vm, t->what, errno);
    }
}

/* While the virtual clock is off it does not advance; the trace counts blocks itself then, at
 * the clock's rate, so vt_ns advances with executed code either way (and never changes what the
 * guest sees). */
static void trace_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct vm *vm = user;
    if (!vm->vclock.enabled)
        vm->trace->own_ns += VCLOCK_NS_PER_BLOCK;
}

int trace_start(struct vm *vm)
{
    struct trace *t = vm->trace;
    if (t == NULL || t->hooked)
        return 0;
    uc_hook h;
    if (uc_hook_add(vm->uc, &h, UC_HOOK_BLOCK, (void *)trace_block, vm, 1, 0) != UC_ERR_OK)
        return -EINVAL;
    uc_ctl_flush_tb(vm->uc); /* blocks translated before would not call it */
    t->hooked = true;
    return 0;
}

uint64_t trace_vt_ns(const struct vm *vm)
{
    return vm->vclock.now + (vm->trace != NULL ? vm->trace->own_ns : 0);
}

void trace_set_actor(struct vm *vm, int vcpu)
{
    if (vm->trace != NULL)
        vm->trace->actor = vcpu;
}

int trace_open(struct vm *vm, const char *path)
{
    struct trace *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    t->actor = -1;
    t->f = fopen(path, "w");
    if (t->f == NULL) {
        int e = errno;
        free(t);
        return -e;
    }
    snprintf(t->what, sizeof(t->what), "the trace file %s", path);
    vm->trace = t;
    return 0;
}

int trace_flush(struct vm *vm)
{
    struct trace *t = vm->trace;
    if (t == NULL)
        return 0;
    if (!t->failed && (fflush(t->f) != 0 || ferror(t->f))) {
        int e = errno;
        t->failed = true;
        vm_output_lost(vm, t->what, e);
        return -(e != 0 ? e : EIO);
    }
    return t->failed ? -EIO : 0;
}

void trace_close(struct vm *vm)
{
    if (vm->trace == NULL)
        return;
    fclose(vm->trace->f);
    free(vm->trace);
    vm->trace = NULL;
}

static void head(struct vm *vm, unsigned vcpu, uint64_t pc, const char *kind)
{
    struct trace *t = vm->trace;
    fprintf(t->f,
            "{\"seq\":%" PRIu64 ",\"vcpu\":%u,\"exit\":\"%s\",\"pc\":\"0x%" PRIx64
            "\",\"vt_ns\":%" PRIu64,
            ++t->seq, vcpu, kind, pc, trace_vt_ns(vm));
}

void trace_sched(struct vm *vm, struct vcpu *v)
{
    if (vm->trace == NULL)
        return;
    head(vm, v->id, v->pc_known ? v->next_pc : vm->arch->get_pc(v), "sched");
    fputs("}\n", vm->trace->f);
}

void trace_wake(struct vm *vm, struct vcpu *v)
{
    if (vm->trace == NULL)
        return;
    head(vm, v->id, 0, "wake");
    if (vm->trace->actor >= 0)
        fprintf(vm->trace->f, ",\"by\":%d", vm->trace->actor);
    fputs("}\n", vm->trace->f);
}

void trace_hypercall(struct vm *vm, unsigned vcpu, uint64_t pc, const char *ns,
                     const struct hc_call *call, unsigned nargs, const char *name,
                     const struct hc_result *res)
{
    struct trace *t = vm->trace;
    if (t == NULL || t->failed)
        return;
    head(vm, vcpu, pc, "hypercall");
    fprintf(t->f, ",\"ns\":\"%s\",\"nr\":%" PRIu64 ",\"name\":", ns, call->nr);
    if (name != NULL)
        fprintf(t->f, "\"%s\"", name);
    else
        fputs("null", t->f);
    fprintf(t->f, ",\"mode\":%u,\"cpl\":%u,\"args\":[", call->op_64bit ? 64 : 32, call->cpl);
    for (unsigned i = 0; i < nargs && i < HC_MAX_ARGS; i++)
        fprintf(t->f, "%s\"0x%" PRIx64 "\"", i ? "," : "", call->args[i]);
    fputs("]", t->f);
    if (res != NULL) {
        fprintf(t->f, ",\"ret\":%" PRId64, res->ret);
        if (res->nout > 0) {
            fputs(",\"out\":[", t->f);
            for (unsigned i = 0; i < res->nout && i < HC_MAX_RETS; i++)
                fprintf(t->f, "%s\"0x%" PRIx64 "\"", i ? "," : "", res->out[i]);
            fputs("]", t->f);
        }
    }
    fputs("}\n", t->f);
    check(vm, t);
}

void trace_event(struct vm *vm, unsigned vcpu, uint64_t pc, const char *kind, unsigned n,
                 const char *const keys[], const uint64_t vals[])
{
    struct trace *t = vm->trace;
    if (t == NULL || t->failed)
        return;
    head(vm, vcpu, pc, kind);
    for (unsigned i = 0; i < n; i++)
        fprintf(t->f, ",\"%s\":\"0x%" PRIx64 "\"", keys[i], vals[i]);
    fputs("}\n", t->f);
    check(vm, t);
}
