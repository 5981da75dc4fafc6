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
 * and timer deadlines (vm->vclock.deadline, the earliest armed timer of timer.h) stop the
 * engine. Idempotent. Returns 0 or -EINVAL if the engine refused. */
int vclock_enable(struct vm *vm);

/* Ask the engine to stop at the next block boundary (the current instruction and block finish),
 * so the run loop can deliver something a device just made pending. Needs the clock enabled. */
void vclock_kick(struct vm *vm);

/* For device callbacks running inside the engine: true if the clock is enabled. Otherwise asks
 * for it (the run loop enables it after the engine stops) and stops the engine at the current
 * instruction, which will execute again: the caller must then drop the access's side effects.
 * (Enabling the block hook means flushing translated code, which cannot happen mid-block.) */
bool vclock_ready(struct vm *vm);

/* Start a new slice for the vCPU that is about to run. */
void vclock_new_slice(struct vm *vm);

#endif
