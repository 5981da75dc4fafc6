/* The generic half of a hypercall exit: count, deny or look up, run the handler, trace. */
#include <string.h>

#include "softkvm/hypercall.h"
#include "softkvm/trace.h"
#include "softkvm/vm.h"

enum hc_action hc_dispatch(struct vm *vm, struct vcpu *vcpu, struct hc_table *t,
                           struct hc_call *call, int64_t deny, uint64_t pc, unsigned trace_nargs,
                           hc_load_args_fn load_args, struct hc_result *res)
{
    hc_count(t, call->nr); /* before any privilege check, as KVM counts */
    res->ret = deny != 0 ? deny : t->unsupported;
    res->nout = 0;
    res->leave_ret = false;
    const struct hc_slot *slot = deny == 0 ? hc_lookup(t, call->nr) : NULL;
    /* KVM_CAP_ENFORCE_PV_FEATURE_CPUID: a call whose feature is hidden is not there. */
    if (slot != NULL && slot->feature_bit < 64 && vm->cfg.enforce_pv_features &&
        !((vm->pv_features >> slot->feature_bit) & 1))
        slot = NULL;
    bool tracing = trace_enabled(vm);
    unsigned need = slot != NULL ? slot->nargs : 0;
    if (tracing && trace_nargs > need)
        need = trace_nargs;
    if (load_args != NULL && need > 0)
        load_args(vcpu, call, need);
    enum hc_action act = HC_DONE;
    if (slot != NULL)
        act = slot->fn(vm, vcpu, call, res);
    if (tracing)
        trace_hypercall(vm, vcpu->id, pc, t->ns, call, trace_nargs, hc_name(t, call->nr), res);
    return act;
}
