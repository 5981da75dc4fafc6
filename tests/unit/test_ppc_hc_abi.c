/* Unit tests for the PowerPC hypercall ABI adapter: sc decoding, KVM's PR/HV rules, token routing,
 * 32-bit truncation, output registers, program-interrupt reasons, instruction encodings, and the
 * CPU model table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/ppc/hypercall_abi.h"
#include "arch/ppc/ppc.h"

static void test_sc_level(void **state)
{
    (void)state;
    assert_int_equal(ppc_sc_level(0x44000002), 0); /* sc */
    assert_int_equal(ppc_sc_level(0x44000022), 1); /* sc 1 */
    assert_int_equal(ppc_sc_level(0x44000FE2), 0x7F);
    assert_int_equal(ppc_sc_level(0x44000000), -1); /* bit 30 clear: not sc */
    assert_int_equal(ppc_sc_level(0x48000002), -1); /* ba */
    assert_int_equal(ppc_sc_level(0x60000000), -1); /* nop */
    assert_int_equal(ppc_sc_level(0), -1);
}

static void test_classify_pr(void **state)
{
    (void)state;
    const uint64_t magic = 0x4b564d21;
    /* supervisor + magic, either level */
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 0, false, magic), PPC_SC_HYPERCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 1, false, magic), PPC_SC_HYPERCALL);
    /* only the low 32 bits of r0 are compared */
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 0, false, 0xFFFFFFFF00000000ULL | magic),
                     PPC_SC_HYPERCALL);
    /* no magic, or problem state: the guest's own system call */
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 0, false, 0), PPC_SC_SYSCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 0, false, magic + 1), PPC_SC_SYSCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 0, true, magic), PPC_SC_SYSCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_PR, 1, true, magic), PPC_SC_SYSCALL);
}

static void test_classify_hv(void **state)
{
    (void)state;
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 1, false, 0), PPC_SC_HYPERCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 1, true, 0), PPC_SC_PRIV);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 1, true, 0x4b564d21), PPC_SC_PRIV);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 0, false, 0x4b564d21), PPC_SC_SYSCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 0, true, 0), PPC_SC_SYSCALL);
    assert_int_equal(ppc_sc_classify(PPC_HCALL_HV, 2, false, 0), PPC_SC_SYSCALL);
}

static void test_route(void **state)
{
    (void)state;
    uint64_t nr = 99;
    assert_int_equal(ppc_hc_route(0x2A0003, &nr), PPC_HC_KVM); /* KVM_HC_FEATURES */
    assert_int_equal(nr, 3);
    assert_int_equal(ppc_hc_route(0x2A0004, &nr), PPC_HC_KVM);
    assert_int_equal(nr, 4);
    assert_int_equal(ppc_hc_route(0x10010, &nr), PPC_HC_EPAPR); /* EV_IDLE */
    assert_int_equal(nr, 16);
    assert_int_equal(ppc_hc_route(0x10001, &nr), PPC_HC_EPAPR);
    assert_int_equal(nr, 1);
    /* the token is r11's low 32 bits only */
    assert_int_equal(ppc_hc_route(0xFFFFFFFF002A0003ULL, &nr), PPC_HC_KVM);
    assert_int_equal(nr, 3);
    /* other vendors: the whole token, beyond any table */
    assert_int_equal(ppc_hc_route(0x20001, &nr), PPC_HC_EPAPR);
    assert_int_equal(nr, 0x20001);
    assert_int_equal(ppc_hc_route(0, &nr), PPC_HC_EPAPR);
    assert_int_equal(nr, 0);
}

static void test_make_call_width(void **state)
{
    (void)state;
    const uint64_t gpr[8] = {0xFFFFFFFF00000001ULL, 0x123456789ULL, 3, 4, 5, 6, 7,
                             0x8000000000000008ULL};
    struct hc_call c;
    ppc_hc_make_call(7, gpr, 8, true, &c);
    assert_int_equal(c.nr, 7);
    assert_true(c.op_64bit);
    assert_int_equal(c.cpl, 0);
    assert_int_equal(c.args[0], 0xFFFFFFFF00000001ULL);
    assert_int_equal(c.args[1], 0x123456789ULL);
    assert_int_equal(c.args[7], 0x8000000000000008ULL);
    ppc_hc_make_call(7, gpr, 8, false, &c); /* MSR[SF] = 0: 32-bit inputs */
    assert_false(c.op_64bit);
    assert_int_equal(c.args[0], 1);
    assert_int_equal(c.args[1], 0x23456789ULL);
    assert_int_equal(c.args[7], 8);
    c.args[0] = 0x5A5A;
    ppc_hc_make_call(5, NULL, 0, false, &c); /* args are left for load_args */
    assert_int_equal(c.nr, 5);
    assert_int_equal(c.args[0], 0x5A5A);
    assert_int_equal(ppc_hc_width(0xFFFFFFFFFFFFFFFFULL, false), 0xFFFFFFFFULL);
    assert_int_equal(ppc_hc_width(0xFFFFFFFFFFFFFFFFULL, true), 0xFFFFFFFFFFFFFFFFULL);
}

static void test_outputs(void **state)
{
    (void)state;
    uint64_t out[9];
    struct hc_result r = {.ret = 12, .nout = 0};
    assert_int_equal(ppc_hc_outputs(&r, out), 2); /* r3 and r4, always */
    assert_int_equal(out[0], 12);
    assert_int_equal(out[1], 0);
    r = (struct hc_result){.ret = 0, .nout = 1, .out = {2}};
    assert_int_equal(ppc_hc_outputs(&r, out), 2);
    assert_int_equal(out[1], 2);
    r = (struct hc_result){.ret = 0, .nout = 5, .out = {1, 2, 3, 4, 5}};
    assert_int_equal(ppc_hc_outputs(&r, out), 6); /* r3..r8 */
    assert_int_equal(out[5], 5);
    r = (struct hc_result){.ret = -1, .nout = 8, .out = {1, 2, 3, 4, 5, 6, 7, 8}};
    assert_int_equal(ppc_hc_outputs(&r, out), 9);    /* r3..r11 */
    assert_int_equal(out[0], 0xFFFFFFFFFFFFFFFFULL); /* sign-extended */
    assert_int_equal(out[8], 8);
}

static void test_program_reason(void **state)
{
    (void)state;
    assert_int_equal(ppc_program_reason(96, 0x00000000), 0x80000); /* illegal */
    assert_int_equal(ppc_program_reason(96, 0x7C6000A6), 0x80000); /* reported as emulation */
    assert_int_equal(ppc_program_reason(6, 0x7FE00008), 0x20000);  /* tw 31,0,0 */
    assert_int_equal(ppc_program_reason(6, 0x0FE00000), 0x20000);  /* twi */
    assert_int_equal(ppc_program_reason(6, 0x7FE00088), 0x20000);  /* td */
    assert_int_equal(ppc_program_reason(6, 0x0BE00000), 0x20000);  /* tdi */
    assert_int_equal(ppc_program_reason(6, 0x7C6000A6), 0x40000);  /* mfmsr r3: privileged */
    assert_int_equal(ppc_program_reason(6, 0xFC22182A), 0x100000); /* fadd: FP enabled */
    assert_int_equal(ppc_program_reason(8, 0x44000002), 0);
    assert_true(ppc_insn_is_trap(0x7FE00008));
    assert_false(ppc_insn_is_trap(0x7C6000A6));
}

static void test_encodings(void **state)
{
    (void)state;
    assert_int_equal(ppc_insn_mfspr(3, 26), 0x7C7A02A6);   /* mfsrr0 r3 */
    assert_int_equal(ppc_insn_mtspr(27, 4), 0x7C9B03A6);   /* mtsrr1 r4 */
    assert_int_equal(ppc_insn_mfspr(3, 272), 0x7C7042A6);  /* mfsprg0 r3 */
    assert_int_equal(ppc_insn_mfspr(5, 1023), 0x7CBFFAA6); /* mfspr r5, PIR */
    assert_int_equal(ppc_insn_mtspr(22, 3), 0x7C7603A6);   /* mtdec r3 */
    assert_int_equal(ppc_insn_mfsr(3, 5), 0x7C6504A6);     /* mfsr r3, 5 */
    assert_int_equal(ppc_insn_mtsr(6, 3), 0x7C6601A4);     /* mtsr 6, r3 */
}

static void test_hcall_words(void **state)
{
    (void)state;
    uint32_t w[4];
    ppc_hcall_words(PPC_HCALL_PR, w);
    assert_int_equal(w[0], 0x3C004B56); /* lis r0,0x4b56 */
    assert_int_equal(w[1], 0x60004D21); /* ori r0,r0,0x4d21 */
    assert_int_equal(w[2], 0x44000002); /* sc */
    assert_int_equal(w[3], 0x60000000); /* nop */
    ppc_hcall_words(PPC_HCALL_HV, w);
    assert_int_equal(w[0], 0x44000022); /* sc 1 */
    assert_int_equal(w[1], 0x60000000);
    assert_int_equal(w[3], 0x60000000);
}

static void test_cpu_models(void **state)
{
    (void)state;
    char err[512];
    const struct ppc_cpu_model *m = ppc_cpu_model_find(NULL, false, err, sizeof(err));
    assert_non_null(m);
    assert_string_equal(m->name, "7457a");
    assert_int_equal(m->uc_model, UC_CPU_PPC32_7457A_V1_2);
    m = ppc_cpu_model_find(NULL, true, err, sizeof(err));
    assert_non_null(m);
    assert_string_equal(m->name, "power10");
    assert_int_equal(m->uc_model, -1);
    m = ppc_cpu_model_find("750", false, err, sizeof(err));
    assert_non_null(m);
    assert_int_equal(m->uc_model, UC_CPU_PPC32_750_V3_1);
    assert_non_null(ppc_cpu_model_find("7457A", false, err, sizeof(err))); /* any case */
    assert_null(ppc_cpu_model_find("nosuch", false, err, sizeof(err)));
    assert_non_null(strstr(err, "unknown ppc CPU model"));
    assert_non_null(strstr(err, "7457a (default)"));
    assert_null(ppc_cpu_model_find("970fx", true, err, sizeof(err)));
    assert_non_null(strstr(err, "power10"));
    assert_null(ppc_cpu_model_find("e500mc", false, err, sizeof(err)));
    assert_non_null(strstr(err, "BookE"));
    assert_null(ppc_cpu_model_find("750", true, err, sizeof(err)));
    assert_non_null(strstr(err, "32-bit model"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc_level),        cmocka_unit_test(test_classify_pr),
        cmocka_unit_test(test_classify_hv),     cmocka_unit_test(test_route),
        cmocka_unit_test(test_make_call_width), cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_program_reason),  cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_hcall_words),     cmocka_unit_test(test_cpu_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
