/* Unit tests for the x86 KVM hypercall ABI adapter: decode, encode, register mapping, RAX width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/hypercall_abi.h"

static void test_decode(void **state)
{
    (void)state;
    static const uint8_t vmcall[3] = {0x0F, 0x01, 0xC1};
    static const uint8_t vmmcall[3] = {0x0F, 0x01, 0xD9};
    static const uint8_t vmrun[3] = {0x0F, 0x01, 0xD8};
    static const uint8_t ud2[3] = {0x0F, 0x0B, 0x90};
    static const uint8_t vmlaunch[3] = {0x0F, 0x01, 0xC2};
    static const uint8_t wrong_prefix[3] = {0x0E, 0x01, 0xC1};
    static const uint8_t wrong_second[3] = {0x0F, 0x00, 0xD9};
    static const uint8_t zeros[3] = {0, 0, 0};
    assert_int_equal(x86_hc_decode(vmcall), X86_HC_VMCALL);
    assert_int_equal(x86_hc_decode(vmmcall), X86_HC_VMMCALL);
    assert_int_equal(x86_hc_decode(vmrun), X86_HC_NONE);
    assert_int_equal(x86_hc_decode(ud2), X86_HC_NONE);
    assert_int_equal(x86_hc_decode(vmlaunch), X86_HC_NONE);
    assert_int_equal(x86_hc_decode(wrong_prefix), X86_HC_NONE);
    assert_int_equal(x86_hc_decode(wrong_second), X86_HC_NONE);
    assert_int_equal(x86_hc_decode(zeros), X86_HC_NONE);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    uint8_t b[3];
    memset(b, 0, sizeof(b));
    x86_hc_encode(X86_HC_VMCALL, b);
    assert_int_equal(b[0], 0x0F);
    assert_int_equal(b[1], 0x01);
    assert_int_equal(b[2], 0xC1);
    assert_int_equal(x86_hc_decode(b), X86_HC_VMCALL);
    memset(b, 0, sizeof(b));
    x86_hc_encode(X86_HC_VMMCALL, b);
    assert_int_equal(b[0], 0x0F);
    assert_int_equal(b[1], 0x01);
    assert_int_equal(b[2], 0xD9);
    assert_int_equal(x86_hc_decode(b), X86_HC_VMMCALL);
}

static void test_make_call_64(void **state)
{
    (void)state;
    const uint64_t gpr[5] = {
        0x8000000000000005ULL, /* RAX: nr */
        0x1111111122222222ULL, /* RBX */
        0x3333333344444444ULL, /* RCX */
        0xFFFFFFFF00000001ULL, /* RDX */
        0x00000001FFFFFFFFULL, /* RSI */
    };
    struct hc_call call;
    memset(&call, 0xCC, sizeof(call));
    x86_hc_make_call(gpr, true, 0, &call);
    assert_int_equal(call.nr, 0x8000000000000005ULL);
    assert_int_equal(call.args[0], 0x1111111122222222ULL);
    assert_int_equal(call.args[1], 0x3333333344444444ULL);
    assert_int_equal(call.args[2], 0xFFFFFFFF00000001ULL);
    assert_int_equal(call.args[3], 0x00000001FFFFFFFFULL);
    for (int i = 4; i < HC_MAX_ARGS; i++)
        assert_int_equal(call.args[i], 0); /* unused args are cleared, not stale */
    assert_true(call.op_64bit);
    assert_int_equal(call.cpl, 0);
}

static void test_make_call_32(void **state)
{
    (void)state;
    const uint64_t gpr[5] = {
        0xDEADBEEF0000000CULL, 0x1111111122222222ULL, 0x3333333344444444ULL,
        0xFFFFFFFF00000001ULL, 0x00000001FFFFFFFFULL,
    };
    struct hc_call call;
    memset(&call, 0xCC, sizeof(call));
    x86_hc_make_call(gpr, false, 3, &call);
    assert_int_equal(call.nr, 0x0000000CULL);
    assert_int_equal(call.args[0], 0x22222222ULL);
    assert_int_equal(call.args[1], 0x44444444ULL);
    assert_int_equal(call.args[2], 0x00000001ULL);
    assert_int_equal(call.args[3], 0xFFFFFFFFULL);
    for (int i = 4; i < HC_MAX_ARGS; i++)
        assert_int_equal(call.args[i], 0);
    assert_false(call.op_64bit);
    assert_int_equal(call.cpl, 3);
}

static void test_make_call_mapping_order(void **state)
{
    (void)state;
    /* Distinct small values show which register lands in which slot. */
    const uint64_t gpr[5] = {10, 20, 30, 40, 50};
    struct hc_call call;
    x86_hc_make_call(gpr, true, 1, &call);
    assert_int_equal(call.nr, 10);      /* RAX */
    assert_int_equal(call.args[0], 20); /* RBX */
    assert_int_equal(call.args[1], 30); /* RCX */
    assert_int_equal(call.args[2], 40); /* RDX */
    assert_int_equal(call.args[3], 50); /* RSI */
    assert_int_equal(call.cpl, 1);
    x86_hc_make_call(gpr, false, 2, &call);
    assert_int_equal(call.nr, 10);
    assert_int_equal(call.args[3], 50);
    assert_int_equal(call.cpl, 2);
}

static void test_rax(void **state)
{
    (void)state;
    assert_int_equal(x86_hc_rax(-1000, true), 0xFFFFFFFFFFFFFC18ULL);
    assert_int_equal(x86_hc_rax(-1000, false), 0x00000000FFFFFC18ULL);
    assert_int_equal(x86_hc_rax(0, true), 0);
    assert_int_equal(x86_hc_rax(0, false), 0);
    assert_int_equal(x86_hc_rax(-1, false), 0xFFFFFFFFULL);
    assert_int_equal(x86_hc_rax(0x123456789LL, true), 0x123456789ULL);
    assert_int_equal(x86_hc_rax(0x123456789LL, false), 0x23456789ULL);
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(x86_hc_width(0xFFFFFFFF12345678ULL, true), 0xFFFFFFFF12345678ULL);
    assert_int_equal(x86_hc_width(0xFFFFFFFF12345678ULL, false), 0x12345678ULL);
    assert_int_equal(x86_hc_width(0x100000000ULL, false), 0);
    assert_int_equal(x86_hc_width(0xFFFFFFFFULL, false), 0xFFFFFFFFULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_make_call_64),
        cmocka_unit_test(test_make_call_32),
        cmocka_unit_test(test_make_call_mapping_order),
        cmocka_unit_test(test_rax),
        cmocka_unit_test(test_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
