/* The KVM x86 hypercall family: VAPIC_POLL_IRQ, and the PV kick / IPI / yield calls Linux uses. */
#include "hypercalls/hypercalls.h"

#include "softkvm/irqchip.h"
#include "softkvm/kvm_abi.h"

#define APIC_DEST_LOGICAL 0x800u
#define APIC_SHORT_MASK   0xC0000u

/* KVM_HC_VAPIC_POLL_IRQ: returns 0; its only purpose is the exit: the run loop looks at pending
 * interrupts every time it resumes a vCPU, so this one is checked on the way back in. */
static enum hc_action hc_vapic_poll_irq(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                        struct hc_result *res)
{
    res->ret = 0;
    return HC_DONE;
}

/* KVM's kvm_sched_yield: run dest next if it exists, is runnable and is not the caller. */
static enum hc_action directed_yield(struct vm *vm, struct vcpu *self, uint64_t dest)
{
    if (dest > vm->irqchip->max_id(vm))
        return HC_DONE;
    struct vcpu *t = vm->irqchip->find(vm, (uint32_t)dest);
    if (t == NULL || t == self || t->state != VCPU_RUNNABLE)
        return HC_DONE;
    vm->yield_to = t;
    return HC_YIELD;
}

/* KVM_HC_KICK_CPU: a1 = APIC ID (a0, flags, ignored): mark it pv-unhalted and wake it, then a
 * directed yield to it; always 0. */
static enum hc_action hc_kick_cpu(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                  struct hc_result *res)
{
    res->ret = 0;
    uint64_t id = call->args[1];
    struct vcpu *t = id <= vm->irqchip->max_id(vm) ? vm->irqchip->find(vm, (uint32_t)id) : NULL;
    if (t != NULL)
        vm->irqchip->deliver(t, IRQ_KICK, 0, false, false);
    return directed_yield(vm, v, id);
}

/* One bitmap word of KVM_HC_SEND_IPI: bit i is APIC ID min + i. */
static uint64_t send_ipi_walk(struct vm *vm, uint64_t bitmap, uint64_t min, uint32_t icr)
{
    uint32_t max = vm->irqchip->max_id(vm);
    if (min > max)
        return 0;
    uint64_t n = max - min + 1 < 64 ? max - min + 1 : 64, count = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!((bitmap >> i) & 1))
            continue;
        struct vcpu *t = vm->irqchip->find(vm, (uint32_t)(min + i));
        if (t != NULL && vm->irqchip->deliver(t, (enum irq_mode)((icr >> 8) & 7), (uint8_t)icr,
                                              (icr >> 14) & 1, (icr >> 15) & 1))
            count++;
    }
    return count;
}

/* KVM_HC_SEND_IPI: a0/a1 bitmaps, a2 = lowest APIC ID (a u32 even in 64-bit mode), a3 = ICR
 * low. Returns how many vCPUs accepted the IPI. */
static enum hc_action hc_send_ipi(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                  struct hc_result *res)
{
    uint32_t icr = (uint32_t)call->args[3];
    if (icr & (APIC_DEST_LOGICAL | APIC_SHORT_MASK)) {
        res->ret = -KVM_EINVAL;
        return HC_DONE;
    }
    uint64_t min = (uint32_t)call->args[2], cluster = call->op_64bit ? 64 : 32;
    uint64_t count = send_ipi_walk(vm, call->args[0], min, icr);
    /* KVM keeps min in a u32: the second window's start wraps at 2^32. */
    count += send_ipi_walk(vm, call->args[1], (uint32_t)(min + cluster), icr);
    res->ret = (int64_t)count;
    return HC_DONE;
}

/* KVM_HC_SCHED_YIELD: a0 = APIC ID to yield to; always 0. */
static enum hc_action hc_sched_yield(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                     struct hc_result *res)
{
    res->ret = 0;
    return directed_yield(vm, v, call->args[0]);
}

int kvm_x86_hypercalls_register(struct hc_table *t)
{
    int rc = hc_register(t, KVM_HC_VAPIC_POLL_IRQ, "KVM_HC_VAPIC_POLL_IRQ", hc_vapic_poll_irq,
                         HC_NO_FEATURE, 0);
    if (rc == 0)
        rc = hc_register(t, KVM_HC_KICK_CPU, "KVM_HC_KICK_CPU", hc_kick_cpu, KVM_FEATURE_PV_UNHALT,
                         2);
    if (rc == 0)
        rc = hc_register(t, KVM_HC_SEND_IPI, "KVM_HC_SEND_IPI", hc_send_ipi,
                         KVM_FEATURE_PV_SEND_IPI, 4);
    if (rc == 0)
        rc = hc_register(t, KVM_HC_SCHED_YIELD, "KVM_HC_SCHED_YIELD", hc_sched_yield,
                         KVM_FEATURE_PV_SCHED_YIELD, 1);
    return rc;
}

uint64_t kvm_x86_implemented_features(void)
{
    return (1ULL << KVM_FEATURE_PV_UNHALT) | (1ULL << KVM_FEATURE_PV_SEND_IPI) |
           (1ULL << KVM_FEATURE_PV_SCHED_YIELD);
}
