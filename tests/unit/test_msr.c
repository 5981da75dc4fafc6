/* Unit tests for the MSR table: ranges, lookups at their edges, overlaps refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/msr.h"
#include "softkvm/vm.h"

static enum msr_result rd(struct vcpu *v, uint32_t index, uint64_t *val, void *opaque)
{
    (void)v;
    *val = index + (uintptr_t)opaque;
    return MSR_OK;
}

static enum msr_result wr(struct vcpu *v, uint32_t index, uint64_t val, void *opaque)
{
    (void)v;
    (void)index;
    return val == (uintptr_t)opaque ? MSR_OK : MSR_GP;
}

static void test_ranges(void **state)
{
    (void)state;
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    assert_null(msr_find(vm, 0x10)); /* empty table */
    assert_int_equal(msr_register(vm, 0x800, 0x8FF, "x2apic", rd, wr, (void *)1), 0);
    assert_int_equal(msr_register(vm, 0x10, 0x10, "tsc", rd, NULL, (void *)2), 0);
    assert_int_equal(msr_register(vm, 0x4b564d00, 0x4b564dff, "kvm", NULL, wr, (void *)3), 0);
    assert_int_equal(msr_register(vm, 0xC0000080, 0xC0000080, "efer", rd, wr, NULL), 0);
    /* Overlaps in every position are refused. */
    assert_int_equal(msr_register(vm, 0x8FF, 0x900, "x", rd, wr, NULL), -EEXIST);
    assert_int_equal(msr_register(vm, 0x7FF, 0x800, "x", rd, wr, NULL), -EEXIST);
    assert_int_equal(msr_register(vm, 0x0, 0xFFFFFFFF, "x", rd, wr, NULL), -EEXIST);
    assert_int_equal(msr_register(vm, 0x10, 0x10, "x", rd, wr, NULL), -EEXIST);
    assert_int_equal(msr_register(vm, 0x900, 0x8FF, "x", rd, wr, NULL), -EINVAL);
    assert_int_equal(msr_register(vm, 0x900, 0x900, "x", NULL, NULL, NULL), -EINVAL);
    assert_int_equal(vm->msrs.n, 4);
    /* Lookups at the edges. */
    assert_null(msr_find(vm, 0x7FF));
    assert_string_equal(msr_find(vm, 0x800)->name, "x2apic");
    assert_string_equal(msr_find(vm, 0x8FF)->name, "x2apic");
    assert_null(msr_find(vm, 0x900));
    assert_null(msr_find(vm, 0xF));
    assert_null(msr_find(vm, 0x11));
    assert_string_equal(msr_find(vm, 0x4b564d05)->name, "kvm");
    assert_string_equal(msr_find(vm, 0xC0000080)->name, "efer");
    assert_null(msr_find(vm, 0xFFFFFFFF));
    struct msr_range *r = msr_find(vm, 0x830);
    uint64_t v = 0;
    assert_int_equal(r->read(NULL, 0x830, &v, r->opaque), MSR_OK);
    assert_int_equal(v, 0x831);
    assert_int_equal(r->write(NULL, 0x830, 2, r->opaque), MSR_GP);
    assert_null(msr_find(vm, 0x10)->write);
    /* Many ranges: the table grows. */
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(msr_register(vm, 0x1000 + 2 * i, 0x1000 + 2 * i, "m", rd, wr, NULL), 0);
    assert_non_null(msr_find(vm, 0x1000 + 2 * 77));
    assert_null(msr_find(vm, 0x1000 + 2 * 77 + 1));
    msr_table_release(&vm->msrs);
    free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ranges)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
