/* x86-64 hypercall round trip: a guest looping on VMCALL under softkvm, against the bare engine
 * stopping and restarting at the same invalid instruction, in alternating rounds. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops x86_64_arch_ops;

#define CODE_AT 0x100000ULL

/* The guest: RCX = iterations; loop { mov $1,%eax; vmcall; dec %rcx; jnz } ; exit(0). */
static const uint8_t guest_code[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,       /* mov $1, %eax (KVM_HC_VAPIC_POLL_IRQ) */
    0x0f, 0x01, 0xc1,                   /* vmcall */
    0x48, 0xff, 0xc9,                   /* dec %rcx */
    0x75, 0xf3,                         /* jnz -13 */
    0xbb, 0x00, 0x00, 0x00, 0xf0,       /* mov $0xf0000000, %ebx */
    0xc7, 0x03, 0x00, 0x00, 0x00, 0x00, /* movl $0, (%rbx): test device exit 0 */
};

static int softkvm_round(uint64_t iters, double *ns_per_call)
{
    struct vm_config cfg = {.ram_mib = 16, .ncpus = 1, .hypercall_patching = true};
    FILE *devnull = fopen("/dev/null", "w");
    cfg.console = devnull;
    struct vm *vm;
    char err[256];
    if (vm_create(&vm, &x86_64_arch_ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        fclose(devnull);
        return -1;
    }
    gmem_write(&vm->mem, CODE_AT, guest_code, sizeof(guest_code));
    vm->entry = CODE_AT;
    int rc = vm_boot(vm, err, sizeof(err));
    uint64_t rcx = iters;
    uc_reg_write(vm->uc, UC_X86_REG_RCX, &rcx);
    uint64_t t0 = bench_now_ns();
    const struct vm_outcome *out = rc == 0 ? vm_run(vm) : NULL;
    uint64_t t1 = bench_now_ns();
    if (out == NULL || out->kind != OUTCOME_GUEST_EXIT || out->status != 0) {
        fprintf(stderr, "bench: the x86-64 guest did not finish: %s\n", out ? out->reason : err);
        rc = -1;
    }
    *ns_per_call = (double)(t1 - t0) / (double)iters;
    vm_destroy(vm);
    fclose(devnull);
    return rc;
}

static bool bare_invalid(uc_engine *uc, void *user)
{
    return false;
}

/* The bare engine: the same loop, stopped by the invalid-instruction hook, RIP += 3 by hand. */
static int bare_round(uint64_t iters, double *ns_per_exit)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK)
        return -1;
    uc_mem_map(uc, 0, 16 << 20, UC_PROT_ALL);
    uc_mem_write(uc, CODE_AT, guest_code, 13);
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, (void *)bare_invalid, NULL, 1, 0);
    uc_ctl_exits_enable(uc);
    uint64_t rcx = iters, rip = CODE_AT, n = 0;
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uint64_t t0 = bench_now_ns();
    while (n < iters) {
        if (uc_emu_start(uc, rip, 0, 0, 0) != UC_ERR_INSN_INVALID)
            break;
        uc_reg_read(uc, UC_X86_REG_RIP, &rip);
        rip += 3;
        n++;
    }
    uint64_t t1 = bench_now_ns();
    uc_close(uc);
    *ns_per_exit = (double)(t1 - t0) / (double)iters;
    return n == iters ? 0 : -1;
}

int bench_x86_64(const struct bench_cfg *cfg, double *ns, double *base_ns)
{
    for (unsigned r = 0; r < cfg->rounds; r++) {
        if (softkvm_round(cfg->iterations, &ns[r]) != 0 ||
            bare_round(cfg->iterations, &base_ns[r]) != 0)
            return -1;
    }
    return bench_x86_compute(cfg);
}
