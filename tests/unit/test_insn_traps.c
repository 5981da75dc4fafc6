/* Unit tests for the core's instruction traps: the sorted site set (order, duplicates, removal,
 * the cap). The engine side runs in the s390x DIAGNOSE guests (diag_copied: code written and
 * patched at run time). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/insn_trap.h"

static int add(struct insn_trap_set *s, uint64_t addr, uintptr_t hook)
{
    const struct insn_trap_site site = {addr, hook, 4, 0};
    return insn_trap_set_add(s, &site);
}

static void test_sites_set(void **state)
{
    (void)state;
    struct insn_trap_set s = {0};
    assert_null(insn_trap_set_find(&s, 0x100));
    assert_int_equal(add(&s, 0x300, 3), 0);
    assert_int_equal(add(&s, 0x100, 1), 0);
    assert_int_equal(add(&s, 0x200, 2), 0);
    assert_int_equal(add(&s, 0x200, 9), -EEXIST);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].addr, 0x100);
    assert_int_equal(s.v[1].addr, 0x200);
    assert_int_equal(s.v[2].addr, 0x300);
    assert_non_null(insn_trap_set_find(&s, 0x200));
    assert_int_equal(insn_trap_set_find(&s, 0x200)->hook, 2);
    assert_null(insn_trap_set_find(&s, 0x202));
    assert_int_equal(insn_trap_set_remove(&s, 0x200), 0);
    assert_int_equal(insn_trap_set_remove(&s, 0x200), -ENOENT);
    assert_null(insn_trap_set_find(&s, 0x200));
    assert_int_equal(s.v[1].addr, 0x300);
    insn_trap_set_release(&s);
    assert_int_equal(s.n, 0);
}

static void test_sites_cap(void **state)
{
    (void)state;
    struct insn_trap_set s = {0};
    for (uint64_t i = 0; i < INSN_TRAP_MAX_SITES; i++)
        assert_int_equal(add(&s, (INSN_TRAP_MAX_SITES - i) * 4, i), 0);
    assert_int_equal(add(&s, 2, 0), -ENOSPC);
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i - 1].addr < s.v[i].addr);
    assert_int_equal(insn_trap_set_find(&s, 4 * 7)->hook, INSN_TRAP_MAX_SITES - 7);
    insn_trap_set_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sites_set),
        cmocka_unit_test(test_sites_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
