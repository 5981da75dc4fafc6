/* The s390 hypercall namespace of a VM: DIAGNOSE 0x500 subcodes (r1). */
#include "arch/s390x/s390x.h"
#include "hypercalls/hypercalls.h"
#include "softkvm/kvm_abi.h"

#define DIAG500_TABLE_SIZE 16

int s390_hypercalls_init(struct vm *vm)
{
    struct hc_table *t = &vm->hc[0];
    /* The guest never sees the "unsupported" value: empty subcodes raise a specification
     * exception instead. It is what traces show for them. */
    int rc = hc_table_init(t, "diag500", DIAG500_TABLE_SIZE, -KVM_EOPNOTSUPP);
    if (rc != 0)
        return rc;
    vm->nhc = 1;
    return diag500_hypercalls_register(t);
}
