/* The failure side of the checked engine calls (include/softkvm/engine_check.h). */
#include "softkvm/engine_check.h"

#include "softkvm/vm.h"

void engine_failed(struct vm *vm, uc_err e, const char *call)
{
    vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine failed: %s: %s", call, uc_strerror(e));
}
