/* The x86 hypercall namespace of a VM: KVM_HC_* numbers, empty slots answer -KVM_ENOSYS. */
#include "arch/x86_64/hypercall_abi.h"
#include "arch/x86_64/x86.h"
#include "hypercalls/hypercalls.h"

#define X86_HC_TABLE_SIZE 32

int x86_hypercalls_init(struct vm *vm)
{
    struct hc_table *t = &vm->hc[0];
    int rc = hc_table_init(t, "kvm", X86_HC_TABLE_SIZE, -KVM_ENOSYS);
    if (rc != 0)
        return rc;
    vm->nhc = 1;
    vm->pv_features = kvm_x86_implemented_features() & ~vm->cfg.hide_pv_features;
    return kvm_x86_hypercalls_register(t);
}
