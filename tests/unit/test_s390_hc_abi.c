/* Unit tests for the s390 DIAGNOSE ABI adapter and PSW rules: decoding, the function code (KVM's
 * base + displacement rule), the register mapping of DIAGNOSE 0x500, r2 write-back, instruction
 * lengths, PSW validity and wrap, and where the program old PSW points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/psw.h"

static void test_decode(void **state)
{
    (void)state;
    static const uint8_t kvm[4] = {0x83, 0x24, 0x05, 0x00};   /* diag 2,4,0x500 */
    static const uint8_t based[4] = {0x83, 0x00, 0x5F, 0xFF}; /* diag 0,0,0xfff(%r5) */
    static const uint8_t other[4] = {0x84, 0x24, 0x05, 0x00}; /* brxh: not DIAGNOSE */
    struct s390_diag d;
    assert_true(s390_diag_decode(kvm, &d));
    assert_int_equal(d.r1, 2);
    assert_int_equal(d.r3, 4);
    assert_int_equal(d.b2, 0);
    assert_int_equal(d.d2, 0x500);
    assert_true(s390_diag_decode(based, &d));
    assert_int_equal(d.r1, 0);
    assert_int_equal(d.r3, 0);
    assert_int_equal(d.b2, 5);
    assert_int_equal(d.d2, 0xFFF);
    memset(&d, 0x5A, sizeof(d));
    assert_false(s390_diag_decode(other, &d));
    assert_int_equal(d.r1, 0x5A); /* untouched */
}

static void test_function_code(void **state)
{
    (void)state;
    uint64_t gpr[16];
    for (int i = 0; i < 16; i++)
        gpr[i] = 0x1111111111111111ULL * (uint64_t)i;
    struct s390_diag d = {.r1 = 2, .r3 = 4, .b2 = 0, .d2 = 0x500};
    /* B2 = 0: no base, even though r0 holds something. */
    gpr[0] = 0x1234;
    assert_int_equal(s390_diag_code(&d, gpr), 0x500);
    d.b2 = 5;
    d.d2 = 0;
    gpr[5] = 0x500;
    assert_int_equal(s390_diag_code(&d, gpr), 0x500);
    gpr[5] = 0xFFFFFFFFFFFF0500ULL; /* only the low 16 bits count */
    assert_int_equal(s390_diag_code(&d, gpr), 0x500);
    d.d2 = 0xFFF;
    gpr[5] = 0xF501; /* carries into bit 16, which is dropped */
    assert_int_equal(s390_diag_code(&d, gpr), 0x500);
    gpr[5] = 0x501;
    assert_int_equal(s390_diag_code(&d, gpr), 0x1500);
    d.d2 = 0x500;
    gpr[5] = 1; /* a literal 0x500 moved off by the base: not a hypercall */
    assert_int_equal(s390_diag_code(&d, gpr), 0x501);
    gpr[5] = 0xFFFFFFFFFFFFFB44ULL; /* wraps to 0x44 */
    assert_int_equal(s390_diag_code(&d, gpr), 0x044);
}

static void test_make_call(void **state)
{
    (void)state;
    uint64_t gpr[16];
    for (int i = 0; i < 16; i++)
        gpr[i] = 0xA000000000000000ULL | (uint64_t)i;
    gpr[1] = 0x100000003ULL; /* all 64 bits of r1 are the subcode */
    struct hc_call c;
    memset(&c, 0xFF, sizeof(c));
    s390_hc_make_call(gpr, PSW_MASK_64, &c);
    assert_int_equal(c.nr, 0x100000003ULL);
    for (int i = 0; i < 6; i++)
        assert_int_equal(c.args[i], gpr[2 + i]);
    assert_int_equal(c.args[6], 0);
    assert_int_equal(c.args[7], 0);
    assert_true(c.op_64bit);
    assert_int_equal(c.cpl, 0);
    /* 31-bit mode: registers are not truncated; problem state: cpl 3. */
    s390_hc_make_call(gpr, PSW_MASK_BA | PSW_MASK_PSTATE, &c);
    assert_false(c.op_64bit);
    assert_int_equal(c.cpl, 3);
    assert_int_equal(c.args[0], 0xA000000000000002ULL);
}

static void test_r2(void **state)
{
    (void)state;
    struct hc_result r = {.ret = -22, .leave_ret = false};
    assert_int_equal(s390_hc_r2(&r, 7), (uint64_t)-22);
    r.leave_ret = true;
    assert_int_equal(s390_hc_r2(&r, 7), 7);
}

static void test_insn_len(void **state)
{
    (void)state;
    assert_int_equal(s390_insn_len(0x00), 2);
    assert_int_equal(s390_insn_len(0x07), 2); /* bcr */
    assert_int_equal(s390_insn_len(0x3F), 2);
    assert_int_equal(s390_insn_len(0x40), 4);
    assert_int_equal(s390_insn_len(0x83), 4); /* diag */
    assert_int_equal(s390_insn_len(0xA7), 4);
    assert_int_equal(s390_insn_len(0xBF), 4);
    assert_int_equal(s390_insn_len(0xC0), 6); /* larl */
    assert_int_equal(s390_insn_len(0xE3), 6);
    assert_int_equal(s390_insn_len(0xFF), 6);
}

static void test_psw_valid(void **state)
{
    (void)state;
    assert_null(s390_psw_invalid(PSW_MASK_64, 0x10000));
    assert_null(s390_psw_invalid(PSW_MASK_64 | PSW_MASK_PSTATE | PSW_MASK_DAT | PSW_MASK_IO |
                                     PSW_MASK_EXT | PSW_MASK_KEY | PSW_MASK_CC | PSW_MASK_PM,
                                 0xFFFFFFFFFFFFFFFEULL));
    assert_null(s390_psw_invalid(0, 0));                     /* 24-bit mode at 0 is a valid PSW */
    assert_non_null(s390_psw_invalid(PSW_MASK_64, 0x10001)); /* odd */
    assert_non_null(s390_psw_invalid(PSW_MASK_64 | (1ULL << 51), 0)); /* bit 12 */
    assert_non_null(s390_psw_invalid(PSW_MASK_64 | (1ULL << 63), 0)); /* bit 0 */
    assert_non_null(s390_psw_invalid(PSW_MASK_64 | 1, 0));            /* bit 63 */
    assert_non_null(s390_psw_invalid(PSW_MASK_64 | (1ULL << 33), 0)); /* bit 30 */
    assert_non_null(s390_psw_invalid(PSW_MASK_EA, 0));                /* EA without BA */
    assert_non_null(s390_psw_invalid(PSW_MASK_BA, 0x80000000ULL));    /* beyond 31 bits */
    assert_null(s390_psw_invalid(PSW_MASK_BA, 0x7FFFFFFEULL));
    assert_non_null(s390_psw_invalid(0, 0x1000000)); /* beyond 24 bits */
    assert_null(s390_psw_invalid(0, 0xFFFFFE));
}

static void test_psw_wrap(void **state)
{
    (void)state;
    assert_int_equal(s390_psw_wrap(PSW_MASK_64, 0xFFFFFFFFFFFFFFFEULL + 4), 2);
    assert_int_equal(s390_psw_wrap(PSW_MASK_BA, 0x7FFFFFFEULL + 4), 2);
    assert_int_equal(s390_psw_wrap(0, 0xFFFFFEULL + 4), 2);
    assert_int_equal(s390_psw_wrap(PSW_MASK_64, 0x123456789AULL), 0x123456789AULL);
}

static void test_pgm_advances(void **state)
{
    (void)state;
    /* Suppressing or completing: the old PSW points past the instruction. */
    static const uint16_t past[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                    0x09, 0x0F, 0x12, 0x15, 0x1B, 0x40, 0x81, 0x206};
    for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++)
        assert_true(s390_pgm_advances(past[i]));
    /* Nullifying (translation exceptions, PER alone): the old PSW points at it. */
    static const uint16_t at[] = {0x10, 0x11, 0x38, 0x39, 0x3A, 0x3B, 0x80, 0x00};
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
        assert_false(s390_pgm_advances(at[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),    cmocka_unit_test(test_function_code),
        cmocka_unit_test(test_make_call), cmocka_unit_test(test_r2),
        cmocka_unit_test(test_insn_len),  cmocka_unit_test(test_psw_valid),
        cmocka_unit_test(test_psw_wrap),  cmocka_unit_test(test_pgm_advances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
