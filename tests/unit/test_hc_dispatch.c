/* Unit tests for hc_dispatch: counting before the privilege check, deny, empty slots, handlers,
 * argument loading and the enforce-PV-feature gate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/hypercall.h"
#include "softkvm/vm.h"

static int handler_calls;
static unsigned loaded_n;

static enum hc_action echo_handler(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                   struct hc_result *res)
{
    (void)vm;
    (void)v;
    handler_calls++;
    res->ret = (int64_t)(call->args[0] + call->args[1]);
    return HC_YIELD;
}

static void loader(struct vcpu *v, struct hc_call *call, unsigned n)
{
    (void)v;
    loaded_n = n;
    for (unsigned i = 0; i < n; i++)
        call->args[i] = 10 * (i + 1);
}

struct fixture {
    struct vm vm;
    struct vcpu vcpu;
    struct hc_table t;
};

static void setup_fixture(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->vcpu.vm = &f->vm;
    assert_int_equal(hc_table_init(&f->t, "kvm", 16, -1000), 0);
    assert_int_equal(hc_register(&f->t, 5, "FIVE", echo_handler, 7, 2), 0);
    handler_calls = 0;
    loaded_n = 0;
}

static void test_handler_runs_with_its_args(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    struct hc_call call = {.nr = 5, .op_64bit = true};
    struct hc_result res;
    enum hc_action act = hc_dispatch(&f.vm, &f.vcpu, &f.t, &call, 0, 0x1000, 4, loader, &res);
    assert_int_equal(act, HC_YIELD);
    assert_int_equal(handler_calls, 1);
    assert_int_equal(loaded_n, 2); /* only what the handler declared (no trace open) */
    assert_int_equal(res.ret, 30);
    assert_int_equal(f.t.counts[5], 1);
    hc_table_release(&f.t);
}

static void test_deny_counts_but_skips_handler(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    struct hc_call call = {.nr = 5, .cpl = 3};
    struct hc_result res;
    enum hc_action act = hc_dispatch(&f.vm, &f.vcpu, &f.t, &call, -1, 0, 4, loader, &res);
    assert_int_equal(act, HC_DONE);
    assert_int_equal(res.ret, -1);
    assert_int_equal(handler_calls, 0);
    assert_int_equal(loaded_n, 0);
    assert_int_equal(f.t.counts[5], 1); /* counted before the CPL check, as KVM does */
    hc_table_release(&f.t);
}

static void test_empty_and_out_of_range_answer_unsupported(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    struct hc_result res;
    struct hc_call empty = {.nr = 6};
    assert_int_equal(hc_dispatch(&f.vm, &f.vcpu, &f.t, &empty, 0, 0, 4, loader, &res), HC_DONE);
    assert_int_equal(res.ret, -1000);
    struct hc_call far = {.nr = 0xFFFFFFFF12345678ULL};
    assert_int_equal(hc_dispatch(&f.vm, &f.vcpu, &f.t, &far, 0, 0, 4, loader, &res), HC_DONE);
    assert_int_equal(res.ret, -1000);
    assert_int_equal(f.t.counts[6], 1);
    assert_int_equal(f.t.counts[16], 1); /* the out-of-range bucket */
    assert_int_equal(handler_calls, 0);
    hc_table_release(&f.t);
}

static void test_enforced_hidden_feature_is_unsupported(void **state)
{
    (void)state;
    struct fixture f;
    setup_fixture(&f);
    struct hc_call call = {.nr = 5};
    struct hc_result res;
    f.vm.cfg.enforce_pv_features = true;
    f.vm.pv_features = 0; /* bit 7 hidden */
    hc_dispatch(&f.vm, &f.vcpu, &f.t, &call, 0, 0, 4, loader, &res);
    assert_int_equal(res.ret, -1000);
    assert_int_equal(handler_calls, 0);
    f.vm.pv_features = 1u << 7; /* advertised: the call works */
    hc_dispatch(&f.vm, &f.vcpu, &f.t, &call, 0, 0, 4, loader, &res);
    assert_int_equal(handler_calls, 1);
    f.vm.cfg.enforce_pv_features = false; /* KVM without the cap: hidden bits do not gate */
    f.vm.pv_features = 0;
    hc_dispatch(&f.vm, &f.vcpu, &f.t, &call, 0, 0, 4, loader, &res);
    assert_int_equal(handler_calls, 2);
    hc_table_release(&f.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handler_runs_with_its_args),
        cmocka_unit_test(test_deny_counts_but_skips_handler),
        cmocka_unit_test(test_empty_and_out_of_range_answer_unsupported),
        cmocka_unit_test(test_enforced_hidden_feature_is_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
