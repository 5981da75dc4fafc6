/* The exit/hypercall trace: one JSON object per line, deterministic (virtual time only). */
#ifndef SOFTKVM_TRACE_H
#define SOFTKVM_TRACE_H

#include "softkvm/types.h"
#include "softkvm/vm.h"

struct hc_call;
struct hc_result;

/* Open the trace file. Returns 0 or a negative errno (the file could not be created). */
int trace_open(struct vm *vm, const char *path);

/* Start counting virtual time for the trace while the clock is off (before the first vCPU runs;
 * the engine exists). Returns 0, or -EINVAL if the engine refused the hook. */
int trace_start(struct vm *vm);

/* The trace's virtual time: the virtual clock plus the executed code the trace counted while
 * the clock was off (VCLOCK_NS_PER_BLOCK per block either way). */
uint64_t trace_vt_ns(const struct vm *vm);

/* The vCPU whose code or exit is being handled (-1: none, e.g. timers between runs): a wake
 * records it as its cause. */
void trace_set_actor(struct vm *vm, int vcpu);

/* Record that v is switched in to run (the scheduler picked it). */
void trace_sched(struct vm *vm, struct vcpu *v);

/* Record that the halted v became runnable (with "by": the actor, if any). */
void trace_wake(struct vm *vm, struct vcpu *v);

/* Write out what is buffered. A write error (here or while recording) ends the run with
 * OUTCOME_IO_ERROR through vm_output_lost and stops further records. Returns 0 or a negative
 * errno; 0 when no trace is open. */
int trace_flush(struct vm *vm);

/* Close (after trace_flush, which vm_run does); safe when no trace is open. */
void trace_close(struct vm *vm);

/* True when a trace is being written (callers skip building records otherwise). Inline: the
 * hypercall path asks on every call. */
static inline bool trace_enabled(const struct vm *vm)
{
    return vm->trace != NULL;
}

/* Record a hypercall: namespace, number, name (may be NULL), arguments, results. */
void trace_hypercall(struct vm *vm, unsigned vcpu, uint64_t pc, const char *ns,
                     const struct hc_call *call, unsigned nargs, const char *name,
                     const struct hc_result *res);

/* Record an exit of kind (a short word such as "pio", "exception") with up to 4 named values. */
void trace_event(struct vm *vm, unsigned vcpu, uint64_t pc, const char *kind, unsigned n,
                 const char *const keys[], const uint64_t vals[]);

#endif
