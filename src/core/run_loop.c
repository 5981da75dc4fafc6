/* The run loop: picks a vCPU (deterministic round-robin), runs the engine, dispatches exits. */
#include <errno.h>
#include <inttypes.h>

#include "softkvm/arch.h"
#include "softkvm/clock.h"
#include "softkvm/timer.h"
#include "softkvm/trace.h"
#include "softkvm/vm.h"
#include "softkvm/engine_check.h"

/* The next vCPU to run after the current one, in id order; NULL when none can run. */
static struct vcpu *sched_next(struct vm *vm)
{
    struct vcpu *run = vm->running;
    struct vcpu *to = vm->yield_to;
    vm->yield_to = NULL;
    if (to != NULL && to->state == VCPU_RUNNABLE) {
        vm->resched = false;
        return to;
    }
    if (run != NULL && run->state == VCPU_RUNNABLE && !vm->resched)
        return run;
    vm->resched = false;
    unsigned start = vm->running != NULL ? vm->running->id + 1 : 0;
    for (unsigned i = 0; i < vm->ncpus; i++) {
        struct vcpu *v = &vm->vcpus[(start + i) % vm->ncpus];
        if (v->state != VCPU_RUNNABLE && vm->arch->check_interrupts != NULL &&
            vm->arch->check_interrupts(v)) {
            if (v->state == VCPU_HALTED && trace_enabled(vm))
                trace_wake(vm, v);
            v->state = VCPU_RUNNABLE;
        }
        if (v->state == VCPU_RUNNABLE)
            return v;
    }
    return NULL;
}

void vcpu_sync_pc(struct vcpu *v)
{
    if (v->pc_known) {
        v->vm->arch->set_pc(v, v->next_pc);
        v->pc_known = false;
    }
}

/* Make v the vCPU whose state is in the engine. Returns false if the engine refused. */
static bool vcpu_load(struct vm *vm, struct vcpu *v)
{
    if (vm->running == v)
        return true;
    if (vm->running != NULL)
        vcpu_sync_pc(vm->running);
    if (vm->running != NULL && vm->running->ctx != NULL &&
        uc_context_save(vm->uc, vm->running->ctx) != UC_ERR_OK)
        return false;
    if (v->ctx != NULL && uc_context_restore(vm->uc, v->ctx) != UC_ERR_OK)
        return false;
    if (vm->running != NULL)
        ENGINE_OK(vm, uc_ctl_flush_tlb(vm->uc)); /* vCPUs may use different page tables */
    vm->running = v;
    return true;
}

void vcpu_halt(struct vcpu *v)
{
    struct vm *vm = v->vm;
    if (v->pv_unhalted) {
        /* A kick that arrived before the halt is not lost (KVM's pv_unhalted). */
        v->pv_unhalted = false;
        return;
    }
    if (vm->arch->check_interrupts != NULL && vm->arch->check_interrupts(v))
        return;
    v->state = VCPU_HALTED;
}

static void all_halted(struct vm *vm)
{
    unsigned halted = 0;
    struct vcpu *last = NULL;
    for (unsigned i = 0; i < vm->ncpus; i++) {
        if (vm->vcpus[i].state == VCPU_HALTED) {
            halted++;
            last = &vm->vcpus[i];
        }
    }
    if (halted == 1) {
        bool irq_on = vm->arch->interrupts_enabled != NULL && vm->arch->interrupts_enabled(last);
        vm->running = last;
        vm_stop(vm, OUTCOME_GUEST_HALTED, 0, "vCPU %u halted with interrupts %s", last->id,
                irq_on ? "enabled and no interrupt source that could wake it" : "disabled");
        return;
    }
    vm_stop(vm, OUTCOME_GUEST_HALTED, 0,
            "all vCPUs halted or stopped (%u halted, %u waiting for startup) and nothing can "
            "wake them",
            halted, vm->ncpus - halted);
}

/* A stop asked from outside (signal, timeout): end the run with OUTCOME_STOPPED. */
static bool stop_requested(struct vm *vm)
{
    int code = atomic_load_explicit(&vm->stop_request, memory_order_relaxed);
    if (code == 0)
        return false;
    vm_stop(vm, OUTCOME_STOPPED, code, "stopped at the host's request");
    return true;
}

const struct vm_outcome *vm_run(struct vm *vm)
{
    if (vm->ncpus > 1 && vclock_enable(vm) != 0)
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
    if (trace_enabled(vm) && trace_start(vm) != 0)
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the trace's clock hook");
    if (vm->debug != NULL)
        vm->debug->at_exit(vm, NULL, vm->debug->opaque);
    while (vm->outcome.kind == OUTCOME_NONE) {
        if (stop_requested(vm))
            break;
        if (vm->vclock.now >= vm->vclock.deadline)
            vtimers_run(vm);
        struct vcpu *step = vm->debug != NULL ? vm->debug->step : NULL;
        struct vcpu *v = step != NULL ? step : sched_next(vm);
        if (step != NULL && step->state != VCPU_RUNNABLE) {
            step->exit.kind = EXIT_DEBUG; /* a sleeping vCPU steps nowhere; the others stay */
            vm->debug->at_exit(vm, step, vm->debug->opaque);
            continue;
        }
        if (v == NULL) {
            if (vm->vclock.deadline != UINT64_MAX && vtimers_can_wake(vm)) {
                /* Everyone sleeps until a timer: skip the idle virtual time. */
                if (vm->vclock.deadline > vm->vclock.now)
                    vm->vclock.now = vm->vclock.deadline;
                continue;
            }
            all_halted(vm);
            break;
        }
        bool switched = v != vm->running;
        if (switched)
            vclock_new_slice(vm);
        if (!vcpu_load(vm, v)) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "engine refused to switch to vCPU %u", v->id);
            break;
        }
        if (trace_enabled(vm)) {
            if (switched)
                trace_sched(vm, v);
            trace_set_actor(vm, (int)v->id);
        }
        if (vm->arch->inject != NULL)
            vm->arch->inject(v);
        if (v->state != VCPU_RUNNABLE || vm->outcome.kind != OUTCOME_NONE)
            continue;
        uint64_t pc = v->pc_known ? v->next_pc : vm->arch->get_pc(v);
        v->pc_known = false;
        v->exit.kind = EXIT_NONE;
        uc_err err = uc_emu_start(vm->uc, pc, 0, 0, 0);
        if (v->exit.kind == EXIT_NONE && stop_requested(vm))
            break; /* stopped from outside, not by the guest (x86 would read it as HLT) */
        /* A step that ended with nothing recorded, or a debugger's stop request: not a halt. */
        if (v->exit.kind == EXIT_NONE && vm->debug != NULL &&
            (step != NULL || vm->debug->interrupted(vm->debug->opaque)))
            v->exit.kind = EXIT_DEBUG;
        if (v->exit.kind == EXIT_NONE)
            vm->arch->classify(v, (int)err);
        switch (v->exit.kind) {
        case EXIT_STOP:
        case EXIT_NONE:
        case EXIT_INTERRUPT:
        case EXIT_DEBUG:
            break;
        case EXIT_SLICE:
            if (vm->vclock.slice_used >= VCLOCK_SLICE_BLOCKS) {
                vm->resched = true;
                vclock_new_slice(vm);
            }
            break;
        case EXIT_HALT:
            if (trace_enabled(vm))
                trace_event(vm, v->id, v->exit.pc, "halt", 0, NULL, NULL);
            vcpu_halt(v);
            break;
        default:
            vm->arch->handle_exit(v);
            break;
        }
        vm->stats.exits[v->exit.kind]++; /* after dispatch: handlers refine the kind */
        if (trace_enabled(vm))
            trace_set_actor(vm, -1);
        if (vm->vclock.want_enable) {
            vm->vclock.want_enable = false;
            if (vclock_enable(vm) != 0)
                vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
        }
        if (vm->debug != NULL && vm->outcome.kind == OUTCOME_NONE)
            vm->debug->at_exit(vm, v, vm->debug->opaque);
    }
    if (vm->running != NULL)
        vcpu_sync_pc(vm->running);
    if (fflush(vm->cfg.console) != 0 || ferror(vm->cfg.console))
        vm_output_lost(vm, "the guest console", errno);
    trace_flush(vm);
    return &vm->outcome;
}
