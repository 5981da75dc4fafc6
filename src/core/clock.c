/* The virtual clock: a block hook counts executed guest blocks, ends slices, fires deadlines. */
#include "softkvm/clock.h"

#include <errno.h>

#include "softkvm/vm.h"
#include "softkvm/engine_check.h"

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct vm *vm = user;
    vm->vclock.now += VCLOCK_NS_PER_BLOCK;
    bool slice_over = ++vm->vclock.slice_used >= VCLOCK_SLICE_BLOCKS && vm->ncpus > 1;
    if (vm->vclock.kick) {
        vm->vclock.kick = false;
        if (vm->running != NULL && vm->running->exit.kind == EXIT_NONE)
            vm->running->exit.kind = EXIT_INTERRUPT;
        uc_emu_stop(uc);
    } else if (slice_over || vm->vclock.now >= vm->vclock.deadline) {
        if (vm->running != NULL && vm->running->exit.kind == EXIT_NONE)
            vm->running->exit.kind = EXIT_SLICE;
        uc_emu_stop(uc);
    }
}

int vclock_enable(struct vm *vm)
{
    if (vm->vclock.enabled)
        return 0;
    uc_hook h;
    if (uc_hook_add(vm->uc, &h, UC_HOOK_BLOCK, (void *)hook_block, vm, 1, 0) != UC_ERR_OK)
        return -EINVAL;
    /* Blocks translated before the hook existed would not call it. */
    ENGINE_OK(vm, uc_ctl_flush_tb(vm->uc));
    vm->vclock.enabled = true;
    return 0;
}

void vclock_kick(struct vm *vm)
{
    vm->vclock.kick = true;
}

bool vclock_ready(struct vm *vm)
{
    if (vm->vclock.enabled)
        return true;
    vm->vclock.want_enable = true;
    if (vm->running != NULL && vm->running->exit.kind == EXIT_NONE)
        vm->running->exit.kind = EXIT_INTERRUPT;
    uc_emu_stop(vm->uc);
    return false;
}

void vclock_new_slice(struct vm *vm)
{
    vm->vclock.slice_used = 0;
}
