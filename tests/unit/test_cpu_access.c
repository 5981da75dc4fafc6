/* Unit tests for debugger CPU access: registers by number and name, translation, on a booted VM
 * of every backend. */
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

static const struct arch_ops *arch_named(const char *name);

/* An x86 VM booted by softkvm's own contract: 64-bit mode, the boot page tables. */
static struct vm *x86_native_vm(void)
{
    struct vm *vm = test_vm_boot(arch_named("x86_64"), false, ENTRY);
    char err[256];
    if (vm == NULL)
        return NULL;
    vm->boot = BOOT_NATIVE; /* test_vm_boot leaves the protocol to detection */
    if (vm_boot(vm, err, sizeof(err)) != 0) {
        test_vm_release(vm);
        return NULL;
    }
    return vm;
}

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
    struct vm *vm = x86_native_vm();
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
    struct vm *vm = x86_native_vm();
    assert_non_null(vm);
    struct vcpu *v = &vm->vcpus[0];
    uint64_t pa = 0;
    assert_int_equal(vcpu_translate(v, ENTRY + 0x123, &pa), 0);
    assert_true(pa == ENTRY + 0x123);
    assert_int_equal(vcpu_translate(v, 0x0000700000000000ULL, &pa), -EFAULT);
    test_vm_release(vm);
}

/* The big-endian backends: a value set by name is in the engine, and reads back by number in
 * the guest's byte order (what gdb's 'g' packet carries); translation with the MMU off (boot
 * state) is the identity. */
static void check_be(const char *arch, const char *reg, int ucid, unsigned bytes, uint64_t entry)
{
    const struct arch_ops *a = arch_named(arch);
    assert_non_null(a);
    struct vm *vm = test_vm_boot(a, false, entry);
    assert_non_null(vm);
    struct vcpu *v = &vm->vcpus[0];
    uint64_t val = bytes == 8 ? 0x0102030405060708ULL : 0x01020304ULL;
    assert_int_equal(vcpu_reg_set(v, reg, val), 0);
    uint64_t eng = 0, x = 0;
    uc_reg_read(vm->uc, ucid, &eng);
    if (bytes == 4)
        eng &= 0xFFFFFFFFULL;
    assert_true(eng == val);
    assert_int_equal(vcpu_reg_get(v, reg, &x), 0);
    assert_true(x == val);
    uint8_t buf[16];
    assert_int_equal(vcpu_reg_read(v, arch_reg_find(a, reg), buf), (int)bytes);
    assert_int_equal(buf[0], 0x01);
    assert_int_equal(buf[bytes - 1], bytes == 8 ? 0x08 : 0x04);
    uint64_t pa = 0;
    assert_int_equal(vcpu_translate(v, entry + 0x40, &pa), 0);
    assert_true(pa == entry + 0x40);
    test_vm_release(vm);
}

static void test_ppc_regs(void **state)
{
    (void)state;
    check_be("ppc", "r3", UC_PPC_REG_3, 4, ENTRY);
}

static void test_ppc64_regs(void **state)
{
    (void)state;
    check_be("ppc64", "r3", UC_PPC_REG_3, 8, ENTRY);
}

static void test_s390x_regs(void **state)
{
    (void)state;
    check_be("s390x", "r3", UC_S390X_REG_R3, 8, 0x10000);
}

/* Every backend offers registers, numbered uniquely and sized in whole bytes. */
static void test_tables_consistent(void **state)
{
    (void)state;
    for (unsigned i = 0; softkvm_arches[i] != NULL; i++) {
        const struct arch_ops *a = softkvm_arches[i];
        for (unsigned r = 0; r < a->nregs; r++) {
            assert_true(a->regs[r].bits % 8 == 0 && a->regs[r].bits <= 128);
            assert_int_equal(arch_reg_find(a, a->regs[r].name), (int)r);
        }
        assert_true(a->nregs > 0 && a->gdb_arch != NULL && a->reg_read != NULL &&
                    a->reg_write != NULL && a->translate != NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_regs_by_name_and_number),
        cmocka_unit_test(test_x86_translate),
        cmocka_unit_test(test_ppc_regs),
        cmocka_unit_test(test_ppc64_regs),
        cmocka_unit_test(test_s390x_regs),
        cmocka_unit_test(test_tables_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
