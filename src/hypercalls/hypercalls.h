/* The hypercall families; each registers its handlers into a VM's table. */
#ifndef SOFTKVM_HYPERCALLS_H
#define SOFTKVM_HYPERCALLS_H

#include "softkvm/vm.h"

#define HC_NO_FEATURE UINT32_MAX

/* KVM's x86 hypercalls (KVM_HC_*) into t. Returns 0 or a negative errno from hc_register. */
int kvm_x86_hypercalls_register(struct hc_table *t);

/* The KVM_FEATURE_* bits (CPUID 0x40000001 EAX) of the calls registered above. */
uint64_t kvm_x86_implemented_features(void);

/* The s390 DIAGNOSE 0x500 subcodes into t: 3 (virtio-ccw notify through vm->notify_bus) and 4
 * (storage limit). Subcodes 0-2 stay empty. Returns 0 or a negative errno from hc_register. */
int diag500_hypercalls_register(struct hc_table *t);

#endif
