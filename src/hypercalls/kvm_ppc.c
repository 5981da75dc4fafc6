/* The KVM PowerPC hypercall family (vendor 42): KVM_HC_FEATURES and KVM_HC_PPC_MAP_MAGIC_PAGE. */
#include "hypercalls/hypercalls.h"
#include "hypercalls/ppc_hypercalls.h"
#include "softkvm/kvm_abi.h"

/* KVM_HC_FEATURES: r3 = 0, r4 = the KVM_FEATURE_* bits (Book3S and e500v2 KVM: the magic page). */
static enum hc_action hc_features(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                  struct hc_result *res)
{
    res->ret = EV_SUCCESS;
    res->nout = 1;
    res->out[0] = 1ULL << KVM_FEATURE_MAGIC_PAGE;
    return HC_DONE;
}

/* KVM_HC_PPC_MAP_MAGIC_PAGE: r3 = real address, r4 = effective address | flags, as Linux's
 * kvm_map_magic_page and KVM's kvmppc_kvm_pv use them (ppc-pv.rst has the two swapped). r3 =
 * status, r4 = the KVM_MAGIC_FEAT_* bits. */
static enum hc_action hc_map_magic_page(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                        struct hc_result *res)
{
    uint64_t features = 0;
    res->ret = ppc_magic_page_map(v, call->args[0] & ~0xFFFULL, call->args[1], &features);
    res->nout = 1;
    res->out[0] = res->ret == EV_SUCCESS ? features : 0;
    return HC_DONE;
}

int kvm_ppc_hypercalls_register(struct hc_table *t)
{
    int rc = hc_register(t, KVM_HC_FEATURES, "KVM_HC_FEATURES", hc_features, HC_NO_FEATURE, 0);
    if (rc == 0)
        rc = hc_register(t, KVM_HC_PPC_MAP_MAGIC_PAGE, "KVM_HC_PPC_MAP_MAGIC_PAGE",
                         hc_map_magic_page, HC_NO_FEATURE, 2);
    return rc;
}
