/* Asynchronous interrupts of the PowerPC vCPU: the external line, softkvm's decrementer (virtual
 * time that passes while the vCPU idles), delivery when MSR[EE] allows, and the interrupt window.
 */
#include "arch/ppc/ppc.h"
#include "softkvm/timer.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

bool ppc_interrupts_enabled(struct vcpu *v)
{
    return (ppc_get(v->vm, UC_PPC_REG_MSR) & MSR_EE) != 0;
}

bool ppc_irq_deliverable(struct vcpu *v, uint64_t msr)
{
    struct ppc_vcpu *pv = v->arch;
    if (!(msr & MSR_EE))
        return false;
    return !(pv->magic.mapped && ppc_magic_critical(v, msr));
}

bool ppc_check_interrupts(struct vcpu *v)
{
    /* As KVM's kvm_arch_vcpu_runnable: a pending interrupt wakes the vCPU even if it is masked. */
    return ((struct ppc_vcpu *)v->arch)->pending != 0;
}

/* The interrupt window: while something is pending but masked, a block hook watches MSR[EE] (and
 * the critical section) and stops the engine once the guest can take it. */
static void window_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct vcpu *v = ppc_cur(user);
    struct ppc_vcpu *pv = v->arch;
    if (pv->in_stub || pv->pending == 0)
        return;
    if (ppc_irq_deliverable(v, ppc_get(v->vm, UC_PPC_REG_MSR))) {
        if (v->exit.kind == EXIT_NONE)
            v->exit.kind = EXIT_INTERRUPT;
        uc_emu_stop(uc);
    }
}

static void window_set(struct vcpu *v, bool on)
{
    struct vm *vm = v->vm;
    struct ppc_vcpu *pv = v->arch;
    if (on == pv->window_armed)
        return;
    if (on) {
        if (uc_hook_add(vm->uc, &pv->window_hook, UC_HOOK_BLOCK, (void *)window_hook, vm, 1, 0) !=
            UC_ERR_OK) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the interrupt-window hook");
            return;
        }
    } else {
        ENGINE_OK(vm, uc_hook_del(vm->uc, pv->window_hook));
    }
    /* Blocks translated before (after) the change would (not) call the hook. */
    ENGINE_OK(vm, uc_ctl_flush_tb(vm->uc));
    pv->window_armed = on;
}

void ppc_irq_release(struct vm *vm)
{
    struct ppc_vcpu *pv = vm->vcpus[0].arch;
    if (pv != NULL && pv->window_armed) {
        ENGINE_OK(vm, uc_hook_del(vm->uc, pv->window_hook));
        pv->window_armed = false;
    }
}

/* The vCPU leaves idle: the decrementer has counted the virtual time that passed. */
static void dec_settle(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct ppc_vcpu *pv = v->arch;
    uint64_t ticks = (vm->vclock.now - pv->idle_start) / PPC_NS_PER_TICK;
    pv->dec_armed = false;
    vtimer_disarm(vm, &pv->dec_timer);
    ppc_reg_write(v, PPC_DEC, (uint32_t)(pv->dec_at_idle - ticks));
}

void ppc_inject(struct vcpu *v)
{
    struct ppc_vcpu *pv = v->arch;
    if (pv->pending == 0 && !pv->window_armed && !pv->dec_armed)
        return; /* the common case: one test on the run loop's hot path */
    if (pv->dec_armed)
        dec_settle(v);
    if (pv->pending == 0) {
        window_set(v, false);
        return;
    }
    uint64_t msr = ppc_get(v->vm, UC_PPC_REG_MSR);
    if (!ppc_irq_deliverable(v, msr)) {
        window_set(v, true);
        return;
    }
    uint64_t pc = ppc_resume_pc(v);
    /* Book3S priority: external before decrementer. The external line is level-triggered (it
     * stays pending until the device lowers it); the decrementer's is consumed by delivery. */
    if (pv->pending & PPC_IRQ_EXT) {
        ppc_deliver(v, PPC_VEC_EXTERNAL, pc, 0);
    } else {
        pv->pending &= ~PPC_IRQ_DEC;
        ppc_deliver(v, PPC_VEC_DECR, pc, 0);
    }
    /* The handler runs with EE = 0: whatever is still pending waits for its rfi, which causes
     * no exit, so the window stays open for it. */
    window_set(v, pv->pending != 0);
}

void ppc_idle(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct ppc_vcpu *pv = v->arch;
    uint32_t dec = (uint32_t)ppc_reg_read(v, PPC_DEC);
    /* The decrementer interrupt comes when DEC passes from 0 to -1: DEC + 1 ticks from now. */
    pv->dec_at_idle = dec;
    pv->idle_start = vm->vclock.now;
    pv->dec_deadline = vm->vclock.now + ((uint64_t)dec + 1) * PPC_NS_PER_TICK;
    pv->dec_armed = true;
    if (vtimer_arm(vm, &pv->dec_timer, pv->dec_deadline) != 0) {
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
        return;
    }
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"dec"};
        const uint64_t vals[] = {dec};
        trace_event(vm, v->id, ppc_resume_pc(v), "idle", 1, keys, vals);
    }
    vcpu_halt(v);
}

/* The decrementer passed 0 while the vCPU idled: its interrupt is pending. */
static void dec_fire(struct vm *vm, void *opaque)
{
    struct ppc_vcpu *pv = opaque;
    pv->pending |= PPC_IRQ_DEC;
}

int ppc_dec_timer_register(struct vcpu *v)
{
    struct ppc_vcpu *pv = v->arch;
    return vtimer_register(v->vm, &pv->dec_timer, "decrementer", dec_fire, NULL, pv);
}

void ppc_set_external(struct vm *vm, bool level)
{
    struct ppc_vcpu *pv = ppc_cur(vm)->arch;
    if (level)
        pv->pending |= PPC_IRQ_EXT;
    else
        pv->pending &= ~PPC_IRQ_EXT;
}
