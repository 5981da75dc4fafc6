/* Checked engine calls for run-time paths: a failed uc_* call ends the run as a host error. */
#ifndef SOFTKVM_ENGINE_CHECK_H
#define SOFTKVM_ENGINE_CHECK_H

#include <stdbool.h>
#include <unicorn/unicorn.h>

struct vm;

/* End vm's run with OUTCOME_HOST_ERROR and one line naming the engine call that failed and the
 * engine's error (first outcome wins, as with every vm_stop). */
void engine_failed(struct vm *vm, uc_err e, const char *call);

/* Whether an engine call made while the VM runs succeeded; on failure the run ends
 * (engine_failed) and the caller goes on with its outputs as they are (zero-initialised by the
 * caller where they are used), since the loop stops before the guest runs again. */
static inline bool engine_ok(struct vm *vm, uc_err e, const char *call)
{
    if (__builtin_expect(e == UC_ERR_OK, 1))
        return true;
    engine_failed(vm, e, call);
    return false;
}

/* engine_ok naming the call by its source text. */
#define ENGINE_OK(vm, call) engine_ok((vm), (call), #call)

#endif
