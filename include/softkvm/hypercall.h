/* Hypercall tables: per-VM, per-ABI-namespace handler slots, and the normalised call. */
#ifndef SOFTKVM_HYPERCALL_H
#define SOFTKVM_HYPERCALL_H

#include "softkvm/types.h"

struct vm;
struct vcpu;

#define HC_MAX_ARGS 8
#define HC_MAX_RETS 8

/* A hypercall as the arch ABI adapter decoded it: already truncated for 32-bit callers. */
struct hc_call {
    uint64_t nr;                /* number (x86 RAX, PPC token, s390 subcode) */
    uint64_t args[HC_MAX_ARGS]; /* arguments in ABI order */
    bool op_64bit;              /* the caller was in 64-bit mode */
    unsigned cpl;               /* privilege level (0 = most privileged) */
};

/* What a handler produced; the ABI adapter writes it back to registers. */
struct hc_result {
    int64_t ret;               /* the primary result (x86 RAX, PPC r3, s390 r2) */
    uint64_t out[HC_MAX_RETS]; /* secondary results (PPC r4..r11) */
    unsigned nout;             /* how many of out[] are meaningful */
    bool leave_ret;            /* s390: do not write the primary result register */
};

/* Handler return values: what the run loop does after the handler. */
enum hc_action {
    HC_DONE = 0,  /* write results, advance past the instruction, continue */
    HC_YIELD = 1, /* as HC_DONE, then end this vCPU's turn (scheduler decides who runs) */
    HC_HALT = 2,  /* as HC_DONE, then halt the vCPU until an interrupt or kick */
    HC_FAULT = 3, /* no results: the handler queued an exception for the guest instead */
};

typedef enum hc_action (*hc_handler_fn)(struct vm *vm, struct vcpu *vcpu,
                                        const struct hc_call *call, struct hc_result *res);

struct hc_slot {
    hc_handler_fn fn;
    const char *name;
    uint32_t feature_bit; /* feature gate for --enforce-pv-cpuid style checks; UINT32_MAX = none */
    unsigned nargs;       /* how many arguments the handler reads (the adapter reads no more) */
};

/* One ABI namespace: numbers 0 .. size-1. */
struct hc_table {
    const char *ns;        /* e.g. "kvm-x86", "kvm-ppc", "diag500" */
    uint32_t size;         /* number of slots */
    struct hc_slot *slots; /* size entries, owned */
    uint64_t *counts;      /* per-number call counts (size + 1: the last counts out-of-range) */
    int64_t unsupported;   /* what an empty slot answers (-KVM_ENOSYS, EV_UNIMPLEMENTED, ...) */
};

/* Create an empty table of size slots. Returns 0 or -ENOMEM / -EINVAL (size 0). */
int hc_table_init(struct hc_table *t, const char *ns, uint32_t size, int64_t unsupported);

/* Free the table's storage. */
void hc_table_release(struct hc_table *t);

/* Register fn under nr; the handler reads nargs arguments (0..HC_MAX_ARGS). Returns 0, -ERANGE
 * (nr >= size), -EEXIST (slot taken) or -EINVAL (NULL fn or name, nargs too large). */
int hc_register(struct hc_table *t, uint64_t nr, const char *name, hc_handler_fn fn,
                uint32_t feature_bit, unsigned nargs);

/* The slot for nr, or NULL for an empty or out-of-range number. (Inline: every hypercall.) */
static inline const struct hc_slot *hc_lookup(const struct hc_table *t, uint64_t nr)
{
    if (nr >= t->size || t->slots[nr].fn == NULL)
        return NULL;
    return &t->slots[nr];
}

/* Count one call of nr (out-of-range numbers share one counter). */
static inline void hc_count(struct hc_table *t, uint64_t nr)
{
    if (t->counts != NULL)
        t->counts[nr < t->size ? nr : t->size]++;
}

/* Name of nr for traces and stats: the registered name, or NULL. */
const char *hc_name(const struct hc_table *t, uint64_t nr);

/* Fills args[0 .. n) of call from the vCPU's registers (already truncated for the caller's
 * width). Lets an adapter read only the arguments a handler uses. */
typedef void (*hc_load_args_fn)(struct vcpu *vcpu, struct hc_call *call, unsigned n);

/* The generic half of every hypercall exit: count call->nr in t, then either answer deny (when
 * non-zero: e.g. -KVM_EPERM above CPL 0, still counted as KVM does), or t->unsupported for an
 * empty slot, or run the handler; trace the call with trace_nargs arguments. load_args (may be
 * NULL when call->args is already complete) is asked for what the handler or the trace reads.
 * res is filled; the adapter writes it back unless the action is HC_FAULT. */
enum hc_action hc_dispatch(struct vm *vm, struct vcpu *vcpu, struct hc_table *t,
                           struct hc_call *call, int64_t deny, uint64_t pc, unsigned trace_nargs,
                           hc_load_args_fn load_args, struct hc_result *res);

#endif
