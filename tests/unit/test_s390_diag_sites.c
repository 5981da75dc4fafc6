/* Unit tests for the DIAGNOSE call-site scanner: linear decoding of a translated block (0x83
 * bytes inside other instructions are not sites, partial trailing instructions are ignored,
 * the count goes past the storage given). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/s390x/diag_sites.h"

static void test_scan_finds_diag(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0xA7, 0x19, 0x00, 0x04, /* 0: lghi %r1,4 */
        0x83, 0x24, 0x05, 0x00, /* 4: diag 2,4,0x500 */
        0x07, 0xFE,             /* 8: br %r14 */
    };
    struct insn_site sites[4];
    assert_int_equal(s390_scan_diag(NULL, code, sizeof(code), 0x10000, sites, 4), 1);
    assert_int_equal(sites[0].addr, 0x10004);
    assert_int_equal(sites[0].len, 4);
    assert_int_equal(sites[0].kind, S390_SITE_DIAG);
}

static void test_scan_ignores_stray_bytes(void **state)
{
    (void)state;
    /* 0x83 in register fields, displacements, immediates and 6-byte instructions. */
    static const uint8_t code[] = {
        0x18, 0x83,                         /* 0: lr %r8,%r3 */
        0x50, 0x10, 0x83, 0x00,             /* 2: st %r1,0x300(%r8): 83 at an even offset */
        0xA7, 0x88, 0x83, 0x83,             /* 6: lhi %r8,-31869 */
        0xC0, 0x89, 0x83, 0x83, 0x83, 0x83, /* 10: lgfi-like 6 bytes */
        0xE3, 0x83, 0x80, 0x00, 0x83, 0x04, /* 16: lg with 0x83 fields */
        0x83, 0x00, 0x00, 0x44,             /* 22: diag 0,0,0x44 */
        0x07, 0x07,                         /* 26: nopr */
    };
    struct insn_site sites[4];
    assert_int_equal(s390_scan_diag(NULL, code, sizeof(code), 0x20000, sites, 4), 1);
    assert_int_equal(sites[0].addr, 0x20000 + 22);
}

static void test_scan_partial_and_max(void **state)
{
    (void)state;
    uint8_t code[64];
    for (size_t i = 0; i < sizeof(code); i += 4) {
        code[i] = 0x83;
        code[i + 1] = 0x24;
        code[i + 2] = 0x05;
        code[i + 3] = 0x00;
    }
    struct insn_site sites[4] = {{0}};
    /* 16 DIAGNOSEs, 4 stored. */
    assert_int_equal(s390_scan_diag(NULL, code, sizeof(code), 0, sites, 4), 16);
    assert_int_equal(sites[3].addr, 12);
    /* A DIAGNOSE cut by the end of the block is not looked at. */
    assert_int_equal(s390_scan_diag(NULL, code, 6, 0, sites, 4), 1);
    assert_int_equal(s390_scan_diag(NULL, code, 3, 0, sites, 4), 0);
    assert_int_equal(s390_scan_diag(NULL, code, 0, 0, sites, 4), 0);
    assert_int_equal(s390_scan_diag(NULL, code, 8, 0, NULL, 0), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_finds_diag),
        cmocka_unit_test(test_scan_ignores_stray_bytes),
        cmocka_unit_test(test_scan_partial_and_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
