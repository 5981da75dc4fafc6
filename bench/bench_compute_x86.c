/* x86-64 compute: a loop with no exits under softkvm (one vCPU; and two vCPUs with a local APIC
 * timer armed, so the virtual clock's per-block hook runs) against the same loop on the bare
 * engine, in alternating rounds. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops x86_64_arch_ops;

#define CODE_AT  0x100000ULL
#define LOOP_LEN 37 /* the loop's bytes from the `mov $iters, %ecx` to the end */

/* Arms vCPU 0's local APIC timer: APIC enabled, divide by 1, vector 0x40 one-shot, count max. */
static const uint8_t arm_timer[] = {
    0xbb, 0x00, 0x00, 0xe0, 0xfe,                               /* mov $0xfee00000, %ebx */
    0xc7, 0x83, 0xf0, 0x00, 0x00, 0x00, 0xff, 0x01, 0x00, 0x00, /* movl $0x1ff, SVR */
    0xc7, 0x83, 0xe0, 0x03, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, /* movl $0xb, divide config */
    0xc7, 0x83, 0x20, 0x03, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, /* movl $0x40, LVT timer */
    0xc7, 0x83, 0x80, 0x03, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, /* movl $~0, initial count */
};

/* ITERS_AT: the iterations (imm32) of a load/add/store/xor loop over a 2 KiB table at 2 MiB;
 * then exit(0). (The count is in the code: with two vCPUs the run loop restores vCPU 0's saved
 * registers before it first runs.) */
#define ITERS_AT 1
static const uint8_t loop_code[] = {
    0xb9, 0x00, 0x00, 0x00, 0x00,       /* mov $iters, %ecx */
    0xbe, 0x00, 0x00, 0x20, 0x00,       /* mov $0x200000, %esi */
    0x48, 0x89, 0xc8,                   /* loop: mov %rcx, %rax */
    0x25, 0xff, 0x00, 0x00, 0x00,       /* and $255, %eax */
    0x48, 0x8b, 0x14, 0xc6,             /* mov (%rsi,%rax,8), %rdx */
    0x48, 0x01, 0xca,                   /* add %rcx, %rdx */
    0x48, 0x89, 0x14, 0xc6,             /* mov %rdx, (%rsi,%rax,8) */
    0x48, 0x31, 0xd7,                   /* xor %rdx, %rdi */
    0x48, 0xff, 0xc9,                   /* dec %rcx */
    0x75, 0xe5,                         /* jnz loop */
    0xbb, 0x00, 0x00, 0x00, 0xf0,       /* mov $0xf0000000, %ebx */
    0xc7, 0x03, 0x00, 0x00, 0x00, 0x00, /* movl $0, (%rbx): test device exit 0 */
};

/* The loop under softkvm with ncpus vCPUs (timer armed first when clocked); ns of the run. */
static int softkvm_round(unsigned ncpus, bool clocked, uint64_t iters, double *ns)
{
    struct vm_config cfg = {.ram_mib = 16, .ncpus = ncpus, .hypercall_patching = true};
    FILE *devnull = fopen("/dev/null", "w");
    cfg.console = devnull;
    struct vm *vm;
    char err[256];
    if (vm_create(&vm, &x86_64_arch_ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        fclose(devnull);
        return -1;
    }
    uint8_t code[sizeof(loop_code)];
    uint32_t n = (uint32_t)iters;
    memcpy(code, loop_code, sizeof(code));
    memcpy(code + ITERS_AT, &n, 4);
    uint64_t at = CODE_AT;
    if (clocked) {
        gmem_write(&vm->mem, at, arm_timer, sizeof(arm_timer));
        at += sizeof(arm_timer);
    }
    gmem_write(&vm->mem, at, code, sizeof(code));
    vm->entry = CODE_AT;
    int rc = vm_boot(vm, err, sizeof(err));
    uint64_t t0 = bench_now_ns();
    const struct vm_outcome *out = rc == 0 ? vm_run(vm) : NULL;
    uint64_t t1 = bench_now_ns();
    if (out == NULL || out->kind != OUTCOME_GUEST_EXIT || out->status != 0) {
        fprintf(stderr, "bench: the x86-64 compute guest did not finish: %s\n",
                out ? out->reason : err);
        rc = -1;
    }
    if (rc == 0 && clocked && !vm->vclock.enabled) {
        fprintf(stderr, "bench: compute_clocked ran without the virtual clock\n");
        rc = -1;
    }
    *ns = (double)(t1 - t0);
    vm_destroy(vm);
    fclose(devnull);
    return rc;
}

/* The loop on a bare engine (identity-mapped RAM, paging off), stopped by an exit address. */
static int bare_round(uint64_t iters, double *ns)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK)
        return -1;
    uint8_t code[sizeof(loop_code)];
    uint32_t n = (uint32_t)iters;
    memcpy(code, loop_code, sizeof(code));
    memcpy(code + ITERS_AT, &n, 4);
    uc_mem_map(uc, 0, 16 << 20, UC_PROT_ALL);
    uc_mem_write(uc, CODE_AT, code, sizeof(code));
    uc_ctl_exits_enable(uc);
    uint64_t end = CODE_AT + LOOP_LEN, rip = 0;
    uc_ctl_set_exits(uc, &end, 1);
    uint64_t t0 = bench_now_ns();
    uc_emu_start(uc, CODE_AT, 0, 0, 0);
    uint64_t t1 = bench_now_ns();
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    uc_close(uc);
    *ns = (double)(t1 - t0);
    return rip == end ? 0 : -1;
}

int bench_x86_compute(const struct bench_cfg *cfg)
{
    double soft[BENCH_MAX_ROUNDS], clocked[BENCH_MAX_ROUNDS], bare[BENCH_MAX_ROUNDS];
    double r1[BENCH_MAX_ROUNDS], r2[BENCH_MAX_ROUNDS];
    uint64_t iters = cfg->iterations * 10;
    for (unsigned r = 0; r < cfg->rounds; r++) {
        if (softkvm_round(1, false, iters, &soft[r]) != 0 || bare_round(iters, &bare[r]) != 0 ||
            softkvm_round(2, true, iters, &clocked[r]) != 0) {
            fprintf(stderr, "bench: x86-64 compute round %u failed\n", r);
            return -1;
        }
        r1[r] = soft[r] > 0 ? bare[r] / soft[r] : 0.0;
        r2[r] = clocked[r] > 0 ? bare[r] / clocked[r] : 0.0;
    }
    /* Medians of per-round ratios (each round's runs back to back), as for s390x. */
    printf("compute arch=x86_64 ratio=%.3f\n", bench_median(r1, cfg->rounds));
    printf("compute_clocked arch=x86_64 ratio=%.3f\n", bench_median(r2, cfg->rounds));
    printf("compute_detail arch=x86_64 softkvm_ns_per_iter=%.2f clocked_ns_per_iter=%.2f "
           "bare_ns_per_iter=%.2f\n",
           bench_median(soft, cfg->rounds) / (double)iters,
           bench_median(clocked, cfg->rounds) / (double)iters,
           bench_median(bare, cfg->rounds) / (double)iters);
    fflush(stdout);
    return 0;
}
