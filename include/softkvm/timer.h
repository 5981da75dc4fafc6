/* Per-VM timers on the virtual clock: any number armed, the clock's deadline the earliest. */
#ifndef SOFTKVM_TIMER_H
#define SOFTKVM_TIMER_H

#include "softkvm/types.h"

struct vm;

/* Called when the virtual clock reaches the timer's deadline, from the run loop (never inside
 * the engine). The timer is disarmed before the call; the callback may re-arm it. */
typedef void (*vtimer_fire_fn)(struct vm *vm, void *opaque);

/* Whether firing this timer could make a halted vCPU runnable (used when every vCPU sleeps: the
 * clock then skips ahead only if some armed timer can wake one). NULL means "it could". */
typedef bool (*vtimer_can_wake_fn)(struct vm *vm, void *opaque);

/* A timer. The memory is the owner's (usually inside a device's state); the VM keeps a list. */
struct vtimer {
    const char *name; /* for traces and diagnostics */
    vtimer_fire_fn fire;
    vtimer_can_wake_fn can_wake;
    void *opaque;
    uint64_t deadline; /* absolute virtual ns; meaningful while armed */
    bool armed;
    uint32_t order;      /* registration order: breaks ties between timers due together */
    uint64_t armed_gen;  /* the firing pass in which it was armed (see vtimers_run) */
    struct vtimer *next; /* the VM's list, in registration order */
};

/* Register t with the VM (disarmed). t must stay valid until vtimer_unregister or vm_destroy.
 * Registering the same timer twice returns -EEXIST; otherwise 0. */
int vtimer_register(struct vm *vm, struct vtimer *t, const char *name, vtimer_fire_fn fire,
                    vtimer_can_wake_fn can_wake, void *opaque);

/* Remove t from the VM (disarming it); safe if it is not registered. */
void vtimer_unregister(struct vm *vm, struct vtimer *t);

/* Arm (or re-arm) t to fire when the virtual clock reaches deadline (absolute virtual ns). A
 * deadline in the past fires at the next run-loop step. Enables the virtual clock. Returns 0, or
 * -EINVAL if t is not registered or the engine refused the clock. */
int vtimer_arm(struct vm *vm, struct vtimer *t, uint64_t deadline);

/* Disarm t; safe if it is not armed. */
void vtimer_disarm(struct vm *vm, struct vtimer *t);

/* Fire every timer whose deadline has been reached, earliest first, ties in registration order.
 * A timer re-armed by a callback for a time already reached fires in the next pass, not this one,
 * so a callback cannot starve the guest. Called by the run loop; returns how many fired. */
unsigned vtimers_run(struct vm *vm);

/* The earliest armed deadline (UINT64_MAX: none). */
uint64_t vtimers_next_deadline(const struct vm *vm);

/* Whether some armed timer could wake a halted vCPU (see vtimer_can_wake_fn). */
bool vtimers_can_wake(struct vm *vm);

#endif
