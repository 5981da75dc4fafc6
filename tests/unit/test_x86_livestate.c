/* Unit tests for the x86 fast path's direct view of the engine's CPU state (livestate.c): it is
 * found, it leaves the registers alone, and it agrees with the register API both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/x86_64/x86.h"

extern const struct arch_ops x86_64_arch_ops;

static const int gpr_ids[16] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

struct fixture {
    uc_engine *uc;
    struct x86_ctx_layout lay;
    struct x86_live live;
};

static int setup(void **state)
{
    static struct fixture f;
    char err[256];
    memset(&f, 0, sizeof(f));
    if (x86_ctx_calibrate(&f.lay, err, sizeof(err)) != 0 ||
        uc_open(UC_ARCH_X86, UC_MODE_64, &f.uc) != UC_ERR_OK ||
        uc_mem_map(f.uc, 0, 0x10000, UC_PROT_ALL) != UC_ERR_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    uc_close(f->uc);
    return 0;
}

static void read_all(uc_engine *uc, uint64_t v[19])
{
    for (int i = 0; i < 16; i++)
        uc_reg_read(uc, gpr_ids[i], &v[i]);
    uc_reg_read(uc, UC_X86_REG_RIP, &v[16]);
    uc_reg_read(uc, UC_X86_REG_CR3, &v[17]);
    v[18] = 0;
    uc_reg_read(uc, UC_X86_REG_CS, &v[18]);
}

static void test_found_and_registers_untouched(void **state)
{
    struct fixture *f = *state;
    uint64_t before[19], after[19];
    read_all(f->uc, before);
    assert_int_equal(x86_live_find(f->uc, &f->lay, &f->live), 0);
    read_all(f->uc, after);
    assert_memory_equal(before, after, sizeof(before));
    assert_non_null(f->live.regs);
    assert_non_null(f->live.rip);
    assert_non_null(f->live.cr3);
    assert_non_null(f->live.cs_sel);
}

/* Guest code writes every register the fast path reads; both views must agree afterwards. */
static void test_agrees_after_guest_code(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(x86_live_find(f->uc, &f->lay, &f->live), 0);
    static const uint8_t code[] = {
        0x48, 0xb8, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* movabs $..., %rax */
        0x48, 0xc7, 0xc3, 0x01, 0x00, 0x00, 0x00,                   /* mov $1, %rbx */
        0x48, 0xc7, 0xc1, 0x02, 0x00, 0x00, 0x00,                   /* mov $2, %rcx */
        0x48, 0xc7, 0xc2, 0x03, 0x00, 0x00, 0x00,                   /* mov $3, %rdx */
        0x48, 0xc7, 0xc6, 0x04, 0x00, 0x00, 0x00,                   /* mov $4, %rsi */
        0x0f, 0x01, 0xc1,                                           /* vmcall: stops */
    };
    assert_int_equal(uc_mem_write(f->uc, 0x1000, code, sizeof(code)), UC_ERR_OK);
    assert_int_equal(uc_emu_start(f->uc, 0x1000, 0, 0, 0), UC_ERR_INSN_INVALID);
    uint64_t api[19];
    read_all(f->uc, api);
    assert_int_equal(api[0], 0x8877665544332211ULL);
    for (int i = 0; i < 16; i++)
        assert_int_equal(f->live.regs[i], api[i]);
    assert_int_equal(*f->live.rip, 0x1000 + sizeof(code) - 3);
    assert_int_equal(*f->live.rip, api[16]);
    assert_int_equal(*f->live.cr3, api[17]);
    assert_int_equal(*f->live.cs_sel, api[18]);
}

/* A result written into the live state is what the API and the guest's next instruction see. */
static void test_write_reaches_guest(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(x86_live_find(f->uc, &f->lay, &f->live), 0);
    static const uint8_t code[] = {
        0x0f, 0x01, 0xc1,                         /* vmcall: stops */
        0x48, 0x89, 0x04, 0x25, 0x00, 0x30, 0, 0, /* mov %rax, 0x3000 */
        0x0f, 0x01, 0xc1,                         /* vmcall: stops */
    };
    assert_int_equal(uc_mem_write(f->uc, 0x2000, code, sizeof(code)), UC_ERR_OK);
    assert_int_equal(uc_emu_start(f->uc, 0x2000, 0, 0, 0), UC_ERR_INSN_INVALID);
    f->live.regs[0] = 0xFFFFFFFFFFFFFC18ULL; /* -1000 */
    uint64_t rax = 0, stored = 0;
    assert_int_equal(uc_reg_read(f->uc, UC_X86_REG_RAX, &rax), UC_ERR_OK);
    assert_int_equal(rax, 0xFFFFFFFFFFFFFC18ULL);
    assert_int_equal(uc_emu_start(f->uc, *f->live.rip + 3, 0, 0, 0), UC_ERR_INSN_INVALID);
    assert_int_equal(uc_mem_read(f->uc, 0x3000, &stored, 8), UC_ERR_OK);
    assert_int_equal(stored, 0xFFFFFFFFFFFFFC18ULL);
}

/* API writes to CS and CR3, and a context restore (a vCPU switch), show in the live view. */
static void test_follows_api_writes_and_restore(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(x86_live_find(f->uc, &f->lay, &f->live), 0);
    uint64_t cs = 0x33, cr3 = 0x7000, rax = 0x1234;
    assert_int_equal(uc_reg_write(f->uc, UC_X86_REG_CS, &cs), UC_ERR_OK);
    assert_int_equal(uc_reg_write(f->uc, UC_X86_REG_CR3, &cr3), UC_ERR_OK);
    assert_int_equal(uc_reg_write(f->uc, UC_X86_REG_RAX, &rax), UC_ERR_OK);
    assert_int_equal(*f->live.cs_sel, 0x33);
    assert_int_equal(*f->live.cr3, 0x7000);
    uc_context *ctx;
    assert_int_equal(uc_context_alloc(f->uc, &ctx), UC_ERR_OK);
    assert_int_equal(uc_context_save(f->uc, ctx), UC_ERR_OK);
    rax = 0x5678;
    assert_int_equal(uc_reg_write(f->uc, UC_X86_REG_RAX, &rax), UC_ERR_OK);
    assert_int_equal(f->live.regs[0], 0x5678);
    assert_int_equal(uc_context_restore(f->uc, ctx), UC_ERR_OK);
    assert_int_equal(f->live.regs[0], 0x1234);
    uc_context_free(ctx);
}

/* Where seccomp refuses process_vm_readv, the search falls back to its pipe probe: in a child
 * process with such a filter, the view is still found and still agrees with the API. */
static void test_found_without_process_vm_readv(void **state)
{
    struct fixture *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sock_filter filt[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {sizeof(filt) / sizeof(filt[0]), filt};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            _exit(2);
        struct iovec a = {&pid, sizeof(pid)}, b = {&pid, sizeof(pid)};
        if (process_vm_readv(getpid(), &a, 1, &b, 1, 0) != -1 || errno != EPERM)
            _exit(3); /* the filter is not in force */
        uint64_t rax = 0x4242, seen = 0;
        if (x86_live_find(f->uc, &f->lay, &f->live) != 0)
            _exit(4);
        uc_reg_write(f->uc, UC_X86_REG_RAX, &rax);
        f->live.regs[0] = rax + 1;
        uc_reg_read(f->uc, UC_X86_REG_RAX, &seen);
        _exit(seen == rax + 1 ? 0 : 5);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A VM uses the direct view unless engine_api_only is set. */
static void test_vm_honours_api_only(void **state)
{
    (void)state;
    for (int api_only = 0; api_only <= 1; api_only++) {
        struct vm_config cfg = {.ram_mib = 4, .ncpus = 2, .hypercall_patching = true};
        cfg.engine_api_only = api_only;
        FILE *devnull = fopen("/dev/null", "w");
        assert_non_null(devnull);
        cfg.console = devnull;
        struct vm *vm;
        char err[256];
        assert_int_equal(vm_create(&vm, &x86_64_arch_ops, &cfg, err, sizeof(err)), 0);
        const struct x86_vm *xvm = vm->arch_state;
        for (unsigned i = 0; i < vm->ncpus; i++) {
            const struct x86_vcpu *xv = vm->vcpus[i].arch;
            if (api_only) {
                assert_null(xv->live.regs);
            } else {
                assert_non_null(xv->live.regs);
                assert_ptr_equal(xv->live.regs, xvm->live.regs);
            }
        }
        vm_destroy(vm);
        fclose(devnull);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_found_and_registers_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agrees_after_guest_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_reaches_guest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follows_api_writes_and_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_found_without_process_vm_readv, setup, teardown),
        cmocka_unit_test(test_vm_honours_api_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
