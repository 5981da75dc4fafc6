/* Unit tests for the DIAGNOSE call-site finder: linear decoding of a translated block (0x83
 * bytes inside other instructions are not sites, partial trailing instructions are ignored,
 * the count goes past the storage given) and the sorted site set. */
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
    uint64_t sites[4];
    assert_int_equal(s390_scan_diag(code, sizeof(code), 0x10000, sites, 4), 1);
    assert_int_equal(sites[0], 0x10004);
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
    uint64_t sites[4];
    assert_int_equal(s390_scan_diag(code, sizeof(code), 0x20000, sites, 4), 1);
    assert_int_equal(sites[0], 0x20000 + 22);
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
    uint64_t sites[4] = {0};
    /* 16 DIAGNOSEs, 4 stored. */
    assert_int_equal(s390_scan_diag(code, sizeof(code), 0, sites, 4), 16);
    assert_int_equal(sites[3], 12);
    /* A DIAGNOSE cut by the end of the block is not looked at. */
    assert_int_equal(s390_scan_diag(code, 6, 0, sites, 4), 1);
    assert_int_equal(s390_scan_diag(code, 3, 0, sites, 4), 0);
    assert_int_equal(s390_scan_diag(code, 0, 0, sites, 4), 0);
    assert_int_equal(s390_scan_diag(code, 8, 0, NULL, 0), 2);
}

static void test_sites_set(void **state)
{
    (void)state;
    struct s390_sites s = {0};
    assert_null(s390_sites_find(&s, 0x100));
    assert_int_equal(s390_sites_add(&s, 0x300, 3), 0);
    assert_int_equal(s390_sites_add(&s, 0x100, 1), 0);
    assert_int_equal(s390_sites_add(&s, 0x200, 2), 0);
    assert_int_equal(s390_sites_add(&s, 0x200, 9), -EEXIST);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].addr, 0x100);
    assert_int_equal(s.v[1].addr, 0x200);
    assert_int_equal(s.v[2].addr, 0x300);
    assert_non_null(s390_sites_find(&s, 0x200));
    assert_int_equal(s390_sites_find(&s, 0x200)->hook, 2);
    assert_null(s390_sites_find(&s, 0x202));
    assert_int_equal(s390_sites_remove(&s, 0x200), 0);
    assert_int_equal(s390_sites_remove(&s, 0x200), -ENOENT);
    assert_null(s390_sites_find(&s, 0x200));
    assert_int_equal(s.v[1].addr, 0x300);
    s390_sites_release(&s);
    assert_int_equal(s.n, 0);
}

static void test_sites_cap(void **state)
{
    (void)state;
    struct s390_sites s = {0};
    for (uint64_t i = 0; i < S390_MAX_SITES; i++)
        assert_int_equal(s390_sites_add(&s, (S390_MAX_SITES - i) * 4, i), 0);
    assert_int_equal(s390_sites_add(&s, 2, 0), -ENOSPC);
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i - 1].addr < s.v[i].addr);
    assert_int_equal(s390_sites_find(&s, 4 * 7)->hook, S390_MAX_SITES - 7);
    s390_sites_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_finds_diag),
        cmocka_unit_test(test_scan_ignores_stray_bytes),
        cmocka_unit_test(test_scan_partial_and_max),
        cmocka_unit_test(test_sites_set),
        cmocka_unit_test(test_sites_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
