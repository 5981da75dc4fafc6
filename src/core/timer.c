/* Per-VM timers on the virtual clock: registration, arming, and firing in a deterministic order. */
#include "softkvm/timer.h"

#include <errno.h>

#include "softkvm/clock.h"
#include "softkvm/vm.h"

static bool registered(const struct vm *vm, const struct vtimer *t)
{
    for (const struct vtimer *i = vm->timers.head; i != NULL; i = i->next)
        if (i == t)
            return true;
    return false;
}

/* Tell the clock the earliest deadline. */
static void update_clock(struct vm *vm)
{
    vm->vclock.deadline = vtimers_next_deadline(vm);
}

int vtimer_register(struct vm *vm, struct vtimer *t, const char *name, vtimer_fire_fn fire,
                    vtimer_can_wake_fn can_wake, void *opaque)
{
    if (registered(vm, t))
        return -EEXIST;
    *t = (struct vtimer){.name = name, .fire = fire, .can_wake = can_wake, .opaque = opaque};
    t->order = vm->timers.next_order++;
    struct vtimer **tail = &vm->timers.head;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = t;
    return 0;
}

void vtimer_unregister(struct vm *vm, struct vtimer *t)
{
    for (struct vtimer **p = &vm->timers.head; *p != NULL; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            t->next = NULL;
            t->armed = false;
            update_clock(vm);
            return;
        }
    }
}

int vtimer_arm(struct vm *vm, struct vtimer *t, uint64_t deadline)
{
    if (!registered(vm, t))
        return -EINVAL;
    t->deadline = deadline;
    t->armed = true;
    t->armed_gen = vm->timers.gen;
    update_clock(vm);
    return vclock_enable(vm);
}

void vtimer_disarm(struct vm *vm, struct vtimer *t)
{
    if (!t->armed)
        return;
    t->armed = false;
    update_clock(vm);
}

uint64_t vtimers_next_deadline(const struct vm *vm)
{
    uint64_t d = UINT64_MAX;
    for (const struct vtimer *t = vm->timers.head; t != NULL; t = t->next)
        if (t->armed && t->deadline < d)
            d = t->deadline;
    return d;
}

bool vtimers_can_wake(struct vm *vm)
{
    for (struct vtimer *t = vm->timers.head; t != NULL; t = t->next)
        if (t->armed && (t->can_wake == NULL || t->can_wake(vm, t->opaque)))
            return true;
    return false;
}

unsigned vtimers_run(struct vm *vm)
{
    unsigned fired = 0;
    uint64_t now = vm->vclock.now;
    /* Timers armed from here on (by the callbacks) belong to the next pass. */
    uint64_t pass = ++vm->timers.gen;
    for (;;) {
        struct vtimer *best = NULL;
        for (struct vtimer *t = vm->timers.head; t != NULL; t = t->next) {
            if (!t->armed || t->deadline > now || t->armed_gen >= pass)
                continue;
            /* The list is in registration order, so the first of equal deadlines wins. */
            if (best == NULL || t->deadline < best->deadline)
                best = t;
        }
        if (best == NULL)
            break;
        best->armed = false;
        fired++;
        best->fire(vm, best->opaque);
    }
    update_clock(vm);
    return fired;
}
