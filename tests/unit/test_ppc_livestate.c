/* Unit tests for the PowerPC sc fast path's direct view of the engine's CPU state (livestate.c),
 * on ppc and ppc64 VMs: found, agreeing with the register API both ways, and off on request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/ppc/ppc.h"
#include "test_vm.h"

extern const struct arch_ops ppc_arch_ops;
extern const struct arch_ops ppc64_arch_ops;

#define CODE_AT 0x100000ULL

struct fixture {
    struct vm *vm;
    struct ppc_live *live;
    uint64_t mask; /* register width */
};

static int setup(void **state, const struct arch_ops *ops, uint64_t mask)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.vm = test_vm_boot(ops, false, CODE_AT);
    if (f.vm == NULL)
        return -1;
    f.live = &((struct ppc_vcpu *)f.vm->vcpus[0].arch)->live;
    f.mask = mask;
    *state = &f;
    return 0;
}

static int setup32(void **state)
{
    return setup(state, &ppc_arch_ops, 0xFFFFFFFFULL);
}

static int setup64(void **state)
{
    return setup(state, &ppc64_arch_ops, ~0ULL);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_vm_release(f->vm);
    return 0;
}

static void put_code(struct vm *vm, const uint32_t *words, size_t n)
{
    uint8_t *p = gmem_ptr(&vm->mem, CODE_AT, n * 4);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        p[4 * i] = (uint8_t)(words[i] >> 24);
        p[4 * i + 1] = (uint8_t)(words[i] >> 16);
        p[4 * i + 2] = (uint8_t)(words[i] >> 8);
        p[4 * i + 3] = (uint8_t)words[i];
    }
}

/* After guest code set registers and stopped at sc, both views agree on r0-r31, PC and MSR. */
static void test_agrees_after_guest_code(void **state)
{
    struct fixture *f = *state;
    assert_non_null(f->live->gpr);
    static const uint32_t code[] = {
        0x38601234, /* li r3,0x1234 */
        0x3C80ABCD, /* lis r4,0xabcd */
        0x3960FFFF, /* li r11,-1 */
        0x38000007, /* li r0,7 */
        0x44000002, /* sc: the engine stops */
    };
    put_code(f->vm, code, 5);
    uc_emu_start(f->vm->uc, CODE_AT, 0, 0, 0);
    uint64_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        v = 0;
        assert_int_equal(uc_reg_read(f->vm->uc, UC_PPC_REG_0 + (int)i, &v), UC_ERR_OK);
        assert_int_equal(ppc_live_gpr(f->live, i), v & f->mask);
    }
    assert_int_equal(ppc_live_gpr(f->live, 3), 0x1234);
    assert_int_equal(ppc_live_gpr(f->live, 4), 0xFFFFFFFFABCD0000ULL & f->mask);
    assert_int_equal(ppc_live_gpr(f->live, 11), 0xFFFFFFFFFFFFFFFFULL & f->mask);
    v = 0;
    uc_reg_read(f->vm->uc, UC_PPC_REG_PC, &v);
    assert_int_equal(ppc_live_load(f->live, f->live->nip), v & f->mask);
    assert_int_equal(v & f->mask, CODE_AT + 20); /* Unicorn reports sc with the PC past it */
    v = 0;
    uc_reg_read(f->vm->uc, UC_PPC_REG_MSR, &v);
    assert_int_equal(ppc_live_load(f->live, f->live->msr), v & f->mask);
}

/* A value written into the view is what the API and the guest's next instruction see, and an
 * API write shows in the view. */
static void test_writes_both_ways(void **state)
{
    struct fixture *f = *state;
    static const uint32_t code[] = {
        0x44000002, /* sc: the engine stops */
        0x90A00200, /* stw r5,0x200(0) */
        0x44000002, /* sc */
    };
    put_code(f->vm, code, 3);
    uc_emu_start(f->vm->uc, CODE_AT, 0, 0, 0);
    ppc_live_set_gpr(f->live, 5, 0x8765FEDCULL);
    uint64_t v = 0;
    uc_reg_read(f->vm->uc, UC_PPC_REG_5, &v);
    assert_int_equal(v & f->mask, 0x8765FEDCULL);
    uc_emu_start(f->vm->uc, CODE_AT + 4, 0, 0, 0);
    const uint8_t *m = gmem_ptr(&f->vm->mem, 0x200, 4);
    assert_non_null(m);
    assert_int_equal((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3],
                     0x8765FEDCu);
    v = 0x13579BDF;
    uc_reg_write(f->vm->uc, UC_PPC_REG_6, &v);
    assert_int_equal(ppc_live_gpr(f->live, 6), 0x13579BDF);
}

/* With engine_api_only the view is never looked for. */
static void test_api_only_has_no_view(void **state)
{
    (void)state;
    const struct arch_ops *ops[] = {&ppc_arch_ops, &ppc64_arch_ops};
    for (int i = 0; i < 2; i++) {
        struct vm *vm = test_vm_boot(ops[i], true, CODE_AT);
        assert_non_null(vm);
        assert_null(((struct ppc_vcpu *)vm->vcpus[0].arch)->live.gpr);
        test_vm_release(vm);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_agrees_after_guest_code, setup32, teardown),
        cmocka_unit_test_setup_teardown(test_agrees_after_guest_code, setup64, teardown),
        cmocka_unit_test_setup_teardown(test_writes_both_ways, setup32, teardown),
        cmocka_unit_test_setup_teardown(test_writes_both_ways, setup64, teardown),
        cmocka_unit_test(test_api_only_has_no_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
