/* Unit tests for the notification bus: registration rules, matching on (subchannel id, queue),
 * the cookie tried first and the search when it does not match, and bus creation on a VM. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/notify_bus.h"
#include "softkvm/vm.h"

struct probe {
    unsigned calls;
    uint64_t queue;
};

static void on_notify(struct vm *vm, void *opaque, uint64_t queue)
{
    (void)vm;
    struct probe *p = opaque;
    p->calls++;
    p->queue = queue;
}

static void test_add_rules(void **state)
{
    (void)state;
    struct notify_bus bus = {0};
    struct probe p = {0};
    assert_int_equal(notify_bus_add(&bus, 0x10000, 0, on_notify, &p, "a"), 0);
    assert_int_equal(notify_bus_add(&bus, 0x10000, 1, on_notify, &p, "b"), 1);
    assert_int_equal(notify_bus_add(&bus, 0x10001, 0, on_notify, &p, "c"), 2);
    assert_int_equal(notify_bus_add(&bus, 0x10000, 1, on_notify, &p, "dup"), -EEXIST);
    assert_int_equal(notify_bus_add(&bus, 0x20000, 0, NULL, &p, "nofn"), -EINVAL);
    assert_int_equal(notify_bus_add(&bus, 0x20000, 0, on_notify, &p, NULL), -EINVAL);
    for (unsigned i = 3; i < NOTIFY_BUS_MAX; i++)
        assert_int_equal(notify_bus_add(&bus, 0x30000 + i, 0, on_notify, &p, "x"), (int)i);
    assert_int_equal(notify_bus_add(&bus, 0x40000, 0, on_notify, &p, "full"), -ENOSPC);
}

static void test_notify_cookie(void **state)
{
    (void)state;
    struct notify_bus bus = {0};
    struct probe rx = {0}, tx = {0}, other = {0};
    notify_bus_add(&bus, 0x10000, 0, on_notify, &rx, "rx");
    notify_bus_add(&bus, 0x10000, 1, on_notify, &tx, "tx");
    notify_bus_add(&bus, 0x10001, 1, on_notify, &other, "other");

    /* No cookie: found by searching. */
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10000, 1, -1), 1);
    assert_int_equal(tx.calls, 1);
    assert_int_equal(tx.queue, 1);
    assert_int_equal(bus.searches, 1);
    /* The cookie it returned: no search. */
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10000, 1, 1), 1);
    assert_int_equal(tx.calls, 2);
    assert_int_equal(bus.searches, 1);
    /* A cookie naming another device, or out of range: found anyway, by searching. */
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10000, 1, 0), 1);
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10000, 1, 3), 1);
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10000, 1, INT64_MIN), 1);
    assert_int_equal(tx.calls, 5);
    assert_int_equal(bus.searches, 4);
    assert_int_equal(rx.calls, 0);
    /* Both fields must match. */
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10001, 1, 2), 2);
    assert_int_equal(other.calls, 1);
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10001, 0, 2), -ENOENT);
    assert_int_equal(notify_bus_notify(NULL, &bus, 0x10002, 1, -1), -ENOENT);
    assert_int_equal(bus.notifies, 6);
}

static void test_create_on_vm(void **state)
{
    (void)state;
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    assert_int_equal(notify_bus_create(vm), 0);
    assert_non_null(vm->notify_bus);
    struct notify_bus *bus = vm->notify_bus;
    assert_int_equal(notify_bus_create(vm), 0); /* idempotent */
    assert_ptr_equal(vm->notify_bus, bus);
    free(vm->notify_bus); /* what vm_destroy does */
    free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_rules),
        cmocka_unit_test(test_notify_cookie),
        cmocka_unit_test(test_create_on_vm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
