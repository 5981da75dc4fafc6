/* Unit tests for the s390x DIAGNOSE fast path's direct view of the engine's CPU state
 * (livestate.c): found, agreeing with the register API both ways, and off on request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/s390x/s390x.h"
#include "test_vm.h"

extern const struct arch_ops s390x_arch_ops;

#define CODE_AT 0x100000ULL

struct fixture {
    struct vm *vm;
    struct s390_live *live;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.vm = test_vm_boot(&s390x_arch_ops, false, CODE_AT);
    if (f.vm == NULL)
        return -1;
    f.live = &((struct s390_vcpu *)f.vm->vcpus[0].arch)->live;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_vm_release(f->vm);
    return 0;
}

/* Run code at CODE_AT until the engine stops at its first program interruption. */
static void run_code(struct vm *vm, const uint8_t *code, size_t len)
{
    uint8_t *p = gmem_ptr(&vm->mem, CODE_AT, len);
    assert_non_null(p);
    memcpy(p, code, len);
    uc_emu_start(vm->uc, CODE_AT, 0, 0, 0);
}

/* After guest code set registers (and the condition code), both views agree on r0-r15 and on the
 * PSW mask apart from the condition code. */
static void test_agrees_after_guest_code(void **state)
{
    struct fixture *f = *state;
    assert_non_null(f->live->regs);
    static const uint8_t code[] = {
        0xa7, 0x39, 0x12, 0x34, /* lghi %r3,0x1234 */
        0xa7, 0x49, 0xff, 0xff, /* lghi %r4,-1 */
        0xb9, 0x02, 0x00, 0x44, /* ltgr %r4,%r4: condition code 1 */
        0x00, 0x00,             /* an invalid opcode: the engine stops */
    };
    run_code(f->vm, code, sizeof(code));
    for (unsigned i = 0; i < 16; i++) {
        uint64_t v = 0;
        assert_int_equal(uc_reg_read(f->vm->uc, UC_S390X_REG_R0 + (int)i, &v), UC_ERR_OK);
        assert_int_equal(f->live->regs[i], v);
    }
    assert_int_equal(f->live->regs[3], 0x1234);
    assert_int_equal(f->live->regs[4], 0xFFFFFFFFFFFFFFFFULL);
    uint64_t mask = 0;
    uc_reg_read(f->vm->uc, UC_S390X_REG_PSWM, &mask);
    assert_int_equal(*f->live->psw_mask & ~PSW_MASK_CC, mask & ~PSW_MASK_CC);
    assert_int_equal(*f->live->psw_mask & PSW_MASK_64, PSW_MASK_64);
}

/* A value written into the view is what the API and the guest's next instruction see, and an API
 * write shows in the view. */
static void test_writes_both_ways(void **state)
{
    struct fixture *f = *state;
    f->live->regs[5] = 0x8765FEDC12345678ULL;
    uint64_t v = 0;
    uc_reg_read(f->vm->uc, UC_S390X_REG_R5, &v);
    assert_int_equal(v, 0x8765FEDC12345678ULL);
    static const uint8_t code[] = {
        0xe3, 0x50, 0x02, 0x00, 0x00, 0x24, /* stg %r5,0x200 */
        0x00, 0x00,                         /* an invalid opcode: the engine stops */
    };
    run_code(f->vm, code, sizeof(code));
    const uint8_t *m = gmem_ptr(&f->vm->mem, 0x200, 8);
    assert_non_null(m);
    uint64_t stored = 0;
    for (int i = 0; i < 8; i++)
        stored = stored << 8 | m[i];
    assert_int_equal(stored, 0x8765FEDC12345678ULL);
    v = 0x13579BDF;
    uc_reg_write(f->vm->uc, UC_S390X_REG_R6, &v);
    assert_int_equal(f->live->regs[6], 0x13579BDF);
}

/* With engine_api_only the view is never looked for. */
static void test_api_only_has_no_view(void **state)
{
    (void)state;
    struct vm *vm = test_vm_boot(&s390x_arch_ops, true, CODE_AT);
    assert_non_null(vm);
    assert_null(((struct s390_vcpu *)vm->vcpus[0].arch)->live.regs);
    test_vm_release(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_agrees_after_guest_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_both_ways, setup, teardown),
        cmocka_unit_test(test_api_only_has_no_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
