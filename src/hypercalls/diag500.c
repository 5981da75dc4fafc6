/* The s390 DIAGNOSE 0x500 family (KVM's s390 hypercalls): virtio-ccw notify and storage limit. */
#include "hypercalls/hypercalls.h"

#include "softkvm/kvm_abi.h"
#include "softkvm/notify_bus.h"

/* Subcode 3: r2 = subchannel id (its low 32 bits, the schid word), r3 = virtqueue index (its
 * low 16 bits; bits 16-31 carry notification data, which softkvm does not use), r4 = cookie.
 * Answers the device's bus index, the cookie to pass next time, or -EINVAL when no device
 * registered the pair (what QEMU answers; KVM would pass the call on to its VMM). */
static enum hc_action diag500_ccw_notify(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                         struct hc_result *res)
{
    res->ret = -KVM_EINVAL;
    if (vm->notify_bus == NULL)
        return HC_DONE;
    int idx = notify_bus_notify(vm, vm->notify_bus, (uint32_t)call->args[0],
                                (uint16_t)call->args[1], (int64_t)call->args[2]);
    if (idx >= 0)
        res->ret = idx;
    return HC_DONE;
}

/* Subcode 4: r2 = the highest usable absolute address, the last byte of RAM. */
static enum hc_action diag500_storage_limit(struct vm *vm, struct vcpu *v,
                                            const struct hc_call *call, struct hc_result *res)
{
    res->ret = (int64_t)(vm->mem.size - 1);
    return HC_DONE;
}

int diag500_hypercalls_register(struct hc_table *t)
{
    int rc = hc_register(t, KVM_S390_VIRTIO_CCW_NOTIFY, "KVM_S390_VIRTIO_CCW_NOTIFY",
                         diag500_ccw_notify, HC_NO_FEATURE, 3);
    if (rc == 0)
        rc = hc_register(t, DIAG500_STORAGE_LIMIT, "DIAG500_STORAGE_LIMIT", diag500_storage_limit,
                         HC_NO_FEATURE, 0);
    return rc;
}
