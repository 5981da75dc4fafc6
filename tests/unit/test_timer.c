/* Unit tests for the per-VM timers: many armed, firing order, re-arming from a callback, the
 * clock's deadline, and whether a timer can wake a halted VM. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/timer.h"
#include "softkvm/vm.h"

#define NTIMERS 40

/* What fired, in order. */
struct fire_log {
    int order[4 * NTIMERS];
    unsigned n;
};

struct tstate {
    struct vtimer t;
    struct fire_log *log;
    int id;
    uint64_t rearm_period; /* re-arm this far after the deadline (0: one-shot) */
    unsigned rearm_count;
    bool wakes;
};

static void fire(struct vm *vm, void *opaque)
{
    struct tstate *s = opaque;
    s->log->order[s->log->n++] = s->id;
    if (s->rearm_period != 0 && s->rearm_count-- > 0)
        assert_int_equal(vtimer_arm(vm, &s->t, s->t.deadline + s->rearm_period), 0);
}

static bool can_wake(struct vm *vm, void *opaque)
{
    (void)vm;
    return ((struct tstate *)opaque)->wakes;
}

/* A VM with just what timers need; the clock counts as running (no engine here). */
static struct vm *new_vm(void)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    vm->vclock.enabled = true;
    vm->vclock.deadline = UINT64_MAX;
    return vm;
}

static void test_many_in_order(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    struct fire_log log = {0};
    struct tstate ts[NTIMERS];
    for (int i = 0; i < NTIMERS; i++) {
        ts[i] = (struct tstate){.log = &log, .id = i};
        assert_int_equal(vtimer_register(vm, &ts[i].t, "t", fire, NULL, &ts[i]), 0);
    }
    assert_int_equal(vtimer_register(vm, &ts[0].t, "t", fire, NULL, &ts[0]), -EEXIST);
    /* Deadlines in reverse id order, with pairs due together: 1000 - 10 * (i / 2). */
    for (int i = 0; i < NTIMERS; i++)
        assert_int_equal(vtimer_arm(vm, &ts[i].t, 1000 - 10 * (uint64_t)(i / 2)), 0);
    assert_int_equal(vm->vclock.deadline, 1000 - 10 * (NTIMERS / 2 - 1));
    assert_int_equal(vtimers_run(vm), 0); /* now = 0: nothing is due */
    vm->vclock.now = 1000;
    assert_int_equal(vtimers_run(vm), NTIMERS);
    /* Earliest first; of two due together, the one registered first. */
    for (unsigned k = 0; k < NTIMERS; k++) {
        int pair = NTIMERS / 2 - 1 - (int)(k / 2);
        assert_int_equal(log.order[k], 2 * pair + (int)(k % 2));
    }
    assert_int_equal(vm->vclock.deadline, UINT64_MAX);
    free(vm);
}

static void test_disarm_and_partial(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    struct fire_log log = {0};
    struct tstate a = {.log = &log, .id = 1}, b = {.log = &log, .id = 2},
                  c = {.log = &log, .id = 3};
    assert_int_equal(vtimer_register(vm, &a.t, "a", fire, NULL, &a), 0);
    assert_int_equal(vtimer_register(vm, &b.t, "b", fire, NULL, &b), 0);
    assert_int_equal(vtimer_register(vm, &c.t, "c", fire, NULL, &c), 0);
    vtimer_arm(vm, &a.t, 100);
    vtimer_arm(vm, &b.t, 200);
    vtimer_arm(vm, &c.t, 300);
    vtimer_disarm(vm, &a.t);
    assert_int_equal(vm->vclock.deadline, 200);
    vm->vclock.now = 250;
    assert_int_equal(vtimers_run(vm), 1);
    assert_int_equal(log.order[0], 2);
    assert_int_equal(vm->vclock.deadline, 300);
    /* Re-arming moves the deadline both ways. */
    vtimer_arm(vm, &c.t, 260);
    assert_int_equal(vm->vclock.deadline, 260);
    vtimer_unregister(vm, &c.t);
    assert_int_equal(vm->vclock.deadline, UINT64_MAX);
    assert_int_equal(vtimer_arm(vm, &c.t, 5), -EINVAL); /* no longer registered */
    free(vm);
}

static void test_rearm_from_callback(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    struct fire_log log = {0};
    /* A periodic timer (period 100) and a one-shot at 250. */
    struct tstate p = {.log = &log, .id = 7, .rearm_period = 100, .rearm_count = 10};
    struct tstate o = {.log = &log, .id = 8};
    vtimer_register(vm, &p.t, "periodic", fire, NULL, &p);
    vtimer_register(vm, &o.t, "oneshot", fire, NULL, &o);
    vtimer_arm(vm, &p.t, 100);
    vtimer_arm(vm, &o.t, 250);
    vm->vclock.now = 100;
    assert_int_equal(vtimers_run(vm), 1);
    assert_int_equal(vm->vclock.deadline, 200);
    /* Late by 250 ns: a callback re-arming for a time already reached fires in the next pass,
     * not in a loop inside this one. */
    vm->vclock.now = 450;
    assert_int_equal(vtimers_run(vm), 2); /* periodic (200), then one-shot (250) */
    assert_int_equal(log.order[1], 7);
    assert_int_equal(log.order[2], 8);
    assert_true(p.t.armed);
    assert_int_equal(p.t.deadline, 300);
    assert_int_equal(vtimers_run(vm), 1); /* the 300 one */
    assert_int_equal(vtimers_run(vm), 1); /* 400 */
    assert_int_equal(vtimers_run(vm), 0); /* 500 is in the future */
    assert_int_equal(vm->vclock.deadline, 500);
    free(vm);
}

static void test_can_wake(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    struct fire_log log = {0};
    struct tstate a = {.log = &log, .id = 1, .wakes = false};
    struct tstate b = {.log = &log, .id = 2, .wakes = true};
    vtimer_register(vm, &a.t, "a", fire, can_wake, &a);
    vtimer_register(vm, &b.t, "b", fire, can_wake, &b);
    assert_false(vtimers_can_wake(vm)); /* nothing armed */
    vtimer_arm(vm, &a.t, 10);
    assert_false(vtimers_can_wake(vm));
    vtimer_arm(vm, &b.t, 20);
    assert_true(vtimers_can_wake(vm));
    b.wakes = false;
    assert_false(vtimers_can_wake(vm));
    free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_in_order),
        cmocka_unit_test(test_disarm_and_partial),
        cmocka_unit_test(test_rearm_from_callback),
        cmocka_unit_test(test_can_wake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
