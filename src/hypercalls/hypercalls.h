/* The hypercall families; each registers its handlers into a VM's table. */
#ifndef SOFTKVM_HYPERCALLS_H
#define SOFTKVM_HYPERCALLS_H

#include "softkvm/vm.h"

#define HC_NO_FEATURE UINT32_MAX

/* KVM's x86 hypercalls (KVM_HC_*) into t. Returns 0 or a negative errno from hc_register. */
int kvm_x86_hypercalls_register(struct hc_table *t);

/* The KVM_FEATURE_* bits (CPUID 0x40000001 EAX) of the calls registered above. */
uint64_t kvm_x86_implemented_features(void);

#endif
