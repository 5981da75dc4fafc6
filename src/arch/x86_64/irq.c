/* x86 interrupt delivery: NMIs and APIC interrupts into the guest's IDT, wake-up checks, and the
 * start of an AP after INIT/STARTUP. */
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/extint.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

#define RF_IF (1ULL << 9)

/* RFLAGS of a vCPU whether or not its state is in the engine. */
static uint64_t vcpu_rflags(struct vcpu *v)
{
    uint64_t rflags = 0;
    if (v->vm->running == v || v->ctx == NULL)
        ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_RFLAGS, &rflags));
    else
        ENGINE_OK(v->vm, uc_context_reg_read(v->ctx, UC_X86_REG_RFLAGS, &rflags));
    return rflags;
}

bool x86_vcpu_irq_enabled(struct vcpu *v)
{
    return (vcpu_rflags(v) & RF_IF) != 0;
}

bool x86_check_interrupts(struct vcpu *v)
{
    struct lapic *a = vcpu_lapic(v);
    if (v->state == VCPU_STOPPED) {
        if (!a->sipi_pending)
            return false;
        x86_start_ap(v, a->sipi_vector);
        return true;
    }
    if (a->nmi_pending)
        return true;
    return (lapic_pending_vector(a) >= 0 || lapic_extint_ready(v)) && (vcpu_rflags(v) & RF_IF);
}

void x86_inject(struct vcpu *v)
{
    struct lapic *a = vcpu_lapic(v);
    bool extint = v->vm->extint.ops != NULL && lapic_extint_ready(v);
    if (!a->nmi_pending && !a->irr_pending && !extint)
        return;
    vcpu_sync_pc(v);
    if (a->nmi_pending) {
        /* NMIs are not blocked until IRET: the engine does not report IRET (documented). */
        a->nmi_pending = false;
        x86_deliver_exception(v, X86_NMI, false, 0, false, 0);
        return;
    }
    if (!(vcpu_rflags(v) & RF_IF))
        return;
    int vec = lapic_pending_vector(a);
    /* In the STI / MOV SS shadow the next exit delivers it; a completed hypercall was the
     * instruction after STI, so its shadow is over (KVM skips the instruction, ending it). */
    if ((vec < 0 && !extint) || (v->exit.kind != EXIT_HYPERCALL && x86_irq_shadow(v)))
        return;
    if (vec < 0) {
        /* The 8259's interrupt: the INTA cycle gives the vector; it bypasses IRR and ISR, so no
         * LAPIC EOI follows (the guest EOIs the 8259). */
        a->extint_requested = false;
        vec = vm_extint_ack(v->vm);
        if (vec < 0)
            return;
        x86_deliver_exception(v, (unsigned)vec, false, 0, false, 0);
        return;
    }
    lapic_ack(a, vec);
    x86_deliver_exception(v, (unsigned)vec, false, 0, false, 0);
}

void x86_start_ap(struct vcpu *v, uint8_t vector)
{
    struct vm *vm = v->vm;
    struct x86_vm *xvm = vm->arch_state;
    struct lapic *a = vcpu_lapic(v);
    a->sipi_pending = false;
    a->init_pending = false;
    a->started = true;
    memcpy(v->ctx, xvm->reset_ctx, uc_context_size(vm->uc));
    /* The stub (boot.c) goes from the engine's power-on long mode to real mode and far-returns
     * to BX:0; it leaves EAX, EBX, ECX, EDX zero. */
    uint64_t rip = X86_AP_STUB, rsp = X86_AP_STUB + 0xFF0, rbx = (uint64_t)vector << 8;
    ENGINE_OK(v->vm, uc_context_reg_write(v->ctx, UC_X86_REG_RIP, &rip));
    ENGINE_OK(v->vm, uc_context_reg_write(v->ctx, UC_X86_REG_RSP, &rsp));
    ENGINE_OK(v->vm, uc_context_reg_write(v->ctx, UC_X86_REG_RBX, &rbx));
    v->pc_known = false;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"vector"};
        const uint64_t vals[] = {vector};
        trace_event(vm, v->id, (uint64_t)vector << 12, "startup", 1, keys, vals);
    }
}
