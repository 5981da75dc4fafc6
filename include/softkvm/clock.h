/* The VM's virtual clock and time slices: deterministic, advanced by executed guest code. */
#ifndef SOFTKVM_CLOCK_H
#define SOFTKVM_CLOCK_H

#include "softkvm/types.h"

struct vm;

/* Virtual nanoseconds one executed translation block (basic block) of guest code is worth. */
#define VCLOCK_NS_PER_BLOCK 10ULL

/* Blocks a vCPU runs before its turn ends when another vCPU is runnable (100 us virtual). */
#define VCLOCK_SLICE_BLOCKS 10000ULL

/* Start counting executed blocks (a per-block engine hook): the clock then advances, slices end
 * and timer deadlines stop the engine. Idempotent. Returns 0 or -EINVAL if the engine refused. */
int vclock_enable(struct vm *vm);

/* Ask for the engine to stop when the virtual clock reaches deadline (absolute virtual ns);
 * the arch's timer callback runs then. UINT64_MAX cancels. Enables the clock if needed. */
void vclock_set_deadline(struct vm *vm, uint64_t deadline);

/* Start a new slice for the vCPU that is about to run. */
void vclock_new_slice(struct vm *vm);

#endif
