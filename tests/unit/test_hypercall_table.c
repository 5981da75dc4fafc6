/* Unit tests for hypercall tables: init, registration errors, lookup, counting and names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/hypercall.h"

static enum hc_action handler_a(struct vm *vm, struct vcpu *vcpu, const struct hc_call *call,
                                struct hc_result *res)
{
    (void)vm;
    (void)vcpu;
    (void)call;
    res->ret = 1;
    return HC_DONE;
}

static enum hc_action handler_b(struct vm *vm, struct vcpu *vcpu, const struct hc_call *call,
                                struct hc_result *res)
{
    (void)vm;
    (void)vcpu;
    (void)call;
    res->ret = 2;
    return HC_YIELD;
}

static int setup(void **state)
{
    static struct hc_table t;
    if (hc_table_init(&t, "test-ns", 8, -1000) != 0)
        return -1;
    *state = &t;
    return 0;
}

static int teardown(void **state)
{
    hc_table_release(*state);
    return 0;
}

static void test_init(void **state)
{
    (void)state;
    struct hc_table t;
    assert_int_equal(hc_table_init(&t, "kvm-x86", 13, -1000), 0);
    assert_string_equal(t.ns, "kvm-x86");
    assert_int_equal(t.size, 13);
    assert_int_equal(t.unsupported, -1000);
    assert_non_null(t.slots);
    assert_non_null(t.counts);
    for (uint32_t i = 0; i < 13; i++) {
        assert_null(t.slots[i].fn);
        assert_null(t.slots[i].name);
    }
    for (uint32_t i = 0; i <= 13; i++) /* size + 1 counters */
        assert_int_equal(t.counts[i], 0);
    hc_table_release(&t);
    assert_null(t.slots);
    assert_null(t.counts);
    assert_int_equal(t.size, 0);
}

static void test_init_size0(void **state)
{
    (void)state;
    struct hc_table t;
    memset(&t, 0xAB, sizeof(t));
    assert_int_equal(hc_table_init(&t, "empty", 0, -1), -EINVAL);
    assert_int_equal(t.size, 0);
    assert_null(t.slots);
    assert_null(t.counts);
    /* Everything on the failed table answers "nothing there". */
    assert_null(hc_lookup(&t, 0));
    assert_null(hc_name(&t, 0));
    assert_int_equal(hc_register(&t, 0, "x", handler_a, UINT32_MAX, 4), -ERANGE);
    hc_count(&t, 0); /* no counters: must not crash */
    hc_table_release(&t);
    assert_null(t.slots);
}

static void test_register_lookup(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 0, "ZERO", handler_a, UINT32_MAX, 0), 0);
    assert_int_equal(hc_register(t, 7, "LAST", handler_b, 3, HC_MAX_ARGS), 0);
    const struct hc_slot *s = hc_lookup(t, 7);
    assert_non_null(s);
    assert_ptr_equal(s->fn, handler_b);
    assert_string_equal(s->name, "LAST");
    assert_int_equal(s->feature_bit, 3);
    assert_int_equal(s->nargs, HC_MAX_ARGS);
    s = hc_lookup(t, 0);
    assert_non_null(s);
    assert_ptr_equal(s->fn, handler_a);
    assert_int_equal(s->feature_bit, UINT32_MAX);
    assert_int_equal(s->nargs, 0);
    /* The slot's handler is the one registered: call it. */
    struct hc_result res = {0};
    assert_int_equal(s->fn(NULL, NULL, NULL, &res), HC_DONE);
    assert_int_equal(res.ret, 1);
}

static void test_register_duplicate(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 3, "FIRST", handler_a, UINT32_MAX, 4), 0);
    assert_int_equal(hc_register(t, 3, "SECOND", handler_b, 1, 4), -EEXIST);
    /* The first registration is unchanged. */
    const struct hc_slot *s = hc_lookup(t, 3);
    assert_non_null(s);
    assert_ptr_equal(s->fn, handler_a);
    assert_string_equal(s->name, "FIRST");
    assert_int_equal(s->feature_bit, UINT32_MAX);
}

static void test_register_range(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 8, "EIGHT", handler_a, UINT32_MAX, 4), -ERANGE);
    assert_int_equal(hc_register(t, 9, "NINE", handler_a, UINT32_MAX, 4), -ERANGE);
    assert_int_equal(hc_register(t, UINT64_MAX, "MAX", handler_a, UINT32_MAX, 4), -ERANGE);
    /* A number that is in range only when truncated to 32 bits is still out of range. */
    assert_int_equal(hc_register(t, 0x100000001ULL, "WRAP", handler_a, UINT32_MAX, 4), -ERANGE);
    assert_null(hc_lookup(t, 1));
}

static void test_register_null(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 2, "NOFN", NULL, UINT32_MAX, 4), -EINVAL);
    assert_int_equal(hc_register(t, 2, NULL, handler_a, UINT32_MAX, 4), -EINVAL);
    assert_int_equal(hc_register(t, 2, "MANY", handler_a, UINT32_MAX, HC_MAX_ARGS + 1), -EINVAL);
    assert_null(hc_lookup(t, 2));
    assert_null(hc_name(t, 2));
    /* The slot is still free afterwards. */
    assert_int_equal(hc_register(t, 2, "TWO", handler_a, UINT32_MAX, 4), 0);
    assert_non_null(hc_lookup(t, 2));
}

static void test_lookup_empty_and_out_of_range(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 5, "FIVE", handler_a, UINT32_MAX, 4), 0);
    assert_null(hc_lookup(t, 4));
    assert_null(hc_lookup(t, 6));
    assert_null(hc_lookup(t, 8));
    assert_null(hc_lookup(t, 1000));
    assert_null(hc_lookup(t, UINT64_MAX));
    assert_null(hc_lookup(t, 0x100000005ULL)); /* 5 in the low 32 bits */
    assert_non_null(hc_lookup(t, 5));
}

static void test_count(void **state)
{
    struct hc_table *t = *state;
    hc_count(t, 0);
    hc_count(t, 7);
    hc_count(t, 7);
    hc_count(t, 3); /* empty slot: still counted under its number */
    hc_count(t, 8);
    hc_count(t, 1000);
    hc_count(t, UINT64_MAX);
    assert_int_equal(t->counts[0], 1);
    assert_int_equal(t->counts[3], 1);
    assert_int_equal(t->counts[7], 2);
    assert_int_equal(t->counts[1], 0);
    assert_int_equal(t->counts[8], 3); /* the out-of-range bucket */
}

static void test_name(void **state)
{
    struct hc_table *t = *state;
    assert_int_equal(hc_register(t, 1, "KVM_HC_VAPIC_POLL_IRQ", handler_a, UINT32_MAX, 4), 0);
    assert_string_equal(hc_name(t, 1), "KVM_HC_VAPIC_POLL_IRQ");
    assert_null(hc_name(t, 0));
    assert_null(hc_name(t, 8));
    assert_null(hc_name(t, UINT64_MAX));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_init_size0),
        cmocka_unit_test_setup_teardown(test_register_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_empty_and_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
