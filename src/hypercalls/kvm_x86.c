/* The KVM x86 hypercall family: the table of KVM_HC_* numbers and the calls softkvm implements. */
#include "hypercalls/hypercalls.h"

#include "softkvm/kvm_abi.h"

/* KVM_HC_VAPIC_POLL_IRQ: returns 0; its only purpose is the exit: the run loop looks at pending
 * interrupts every time it resumes a vCPU, so this one is checked on the way back in. */
static enum hc_action hc_vapic_poll_irq(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                        struct hc_result *res)
{
    res->ret = 0;
    return HC_DONE;
}

int kvm_x86_hypercalls_register(struct hc_table *t)
{
    return hc_register(t, KVM_HC_VAPIC_POLL_IRQ, "KVM_HC_VAPIC_POLL_IRQ", hc_vapic_poll_irq,
                       HC_NO_FEATURE, 0);
}
