/* Unit tests for debugger CPU access: registers by number and name, translation (every backend
 * with a register table), on a booted VM. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/cpu_access.h"
#include "test_vm.h"

#define ENTRY 0x100000ULL

static const struct arch_ops *arch_named(const char *name)
{
    for (unsigned i = 0; softkvm_arches[i] != NULL; i++)
        if (strcmp(softkvm_arches[i]->name, name) == 0)
            return softkvm_arches[i];
    return NULL;
}

/* x86-64: a value written by name reads back by name, by number and through the engine. */
static void test_x86_regs_by_name_and_number(void **state)
{
    (void)state;
    const struct arch_ops *a = arch_named("x86_64");
    assert_non_null(a);
    struct vm *vm = test_vm_boot(a, false, ENTRY);
    assert_non_null(vm);
    struct vcpu *v = &vm->vcpus[0];
    assert_int_equal(arch_reg_find(a, "rax"), 0);
    assert_int_equal(arch_reg_find(a, "rip"), 16);
    assert_int_equal(arch_reg_find(a, "no_such_reg"), -1);
    assert_int_equal(vcpu_reg_set(v, "rbx", 0x1122334455667788ULL), 0);
    uint64_t x = 0;
    assert_int_equal(vcpu_reg_get(v, "rbx", &x), 0);
    assert_true(x == 0x1122334455667788ULL);
    uint64_t eng = 0;
    uc_reg_read(vm->uc, UC_X86_REG_RBX, &eng);
    assert_true(eng == 0x1122334455667788ULL);
    uint8_t buf[16];
    assert_int_equal(vcpu_reg_read(v, 1, buf), 8); /* rbx, little-endian */
    assert_int_equal(buf[0], 0x88);
    assert_int_equal(buf[7], 0x11);
    assert_int_equal(vcpu_reg_get(v, "rip", &x), 0);
    assert_true(x == ENTRY);
    assert_int_equal(vcpu_reg_read(v, arch_reg_find(a, "xmm0"), buf), 16);
    assert_int_equal(vcpu_reg_get(v, "xmm0", &x), -EINVAL); /* wider than 8 bytes */
    assert_int_equal(vcpu_reg_read(v, a->nregs, buf), -EINVAL);
    test_vm_release(vm);
}

/* x86-64: translation follows the boot page tables (identity for the kernel) and refuses an
 * address with nothing mapped; it leaves the accessed bits alone. */
static void test_x86_translate(void **state)
{
    (void)state;
    struct vm *vm = test_vm_boot(arch_named("x86_64"), false, ENTRY);
    assert_non_null(vm);
    struct vcpu *v = &vm->vcpus[0];
    uint64_t pa = 0;
    assert_int_equal(vcpu_translate(v, ENTRY + 0x123, &pa), 0);
    assert_true(pa == ENTRY + 0x123);
    assert_int_equal(vcpu_translate(v, 0x0000700000000000ULL, &pa), -EFAULT);
    test_vm_release(vm);
}

/* Every backend that offers registers numbers them uniquely and sizes them in whole bytes. */
static void test_tables_consistent(void **state)
{
    (void)state;
    for (unsigned i = 0; softkvm_arches[i] != NULL; i++) {
        const struct arch_ops *a = softkvm_arches[i];
        for (unsigned r = 0; r < a->nregs; r++) {
            assert_true(a->regs[r].bits % 8 == 0 && a->regs[r].bits <= 128);
            assert_int_equal(arch_reg_find(a, a->regs[r].name), (int)r);
        }
        assert_true(a->nregs == 0 || (a->gdb_arch != NULL && a->reg_read != NULL));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_regs_by_name_and_number),
        cmocka_unit_test(test_x86_translate),
        cmocka_unit_test(test_tables_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
