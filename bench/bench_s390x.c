/* s390x benchmarks: the DIAGNOSE 0x500 round trip under softkvm against the bare engine stopping
 * at an exit address and restarting, and a compute loop with no hypercalls under softkvm against
 * the bare engine (call-site finding must cost nothing there). Rounds alternate, same process. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops s390x_arch_ops;

#define CODE_AT    0x10000ULL
#define RAM_MIB    16
#define PSW_64     0x0000000180000000ULL
#define DIAG_AT    (CODE_AT + 4)
#define HC_END_AT  (CODE_AT + 0xC)
#define CMP_END_AT (CODE_AT + 0x30)

/* r8 = iterations; loop { r1 = 4 (storage limit); diag 2,4,0x500; brctg r8 } ; exit(0). */
static const uint8_t hc_code[] = {
    0xa7, 0x19, 0x00, 0x04, /* lghi %r1,4 */
    0x83, 0x24, 0x05, 0x00, /* diag %r2,%r4,0x500 */
    0xa7, 0x87, 0xff, 0xfc, /* brctg %r8,loop */
    0xa5, 0x9e, 0xf0, 0x00, /* llilh %r9,0xf000: the test device */
    0xa7, 0x39, 0x00, 0x00, /* lghi %r3,0 */
    0x50, 0x30, 0x90, 0x00, /* st %r3,0(%r9): exit status 0 */
    0xa7, 0xf4, 0x00, 0x00, /* j . */
};

/* r8 = iterations of a load/add/store/xor loop over a 2 KiB table at 0x20000; exit(0). */
static const uint8_t compute_code[] = {
    0xc0, 0x61, 0x00, 0x02, 0x00, 0x00, /* lgfi %r6,0x20000 */
    0xa7, 0x79, 0x00, 0xff,             /* lghi %r7,255 */
    0xb9, 0x04, 0x00, 0x28,             /* loop: lgr %r2,%r8 */
    0xb9, 0x80, 0x00, 0x27,             /* ngr %r2,%r7 */
    0xeb, 0x22, 0x00, 0x03, 0x00, 0x0d, /* sllg %r2,%r2,3 */
    0xe3, 0x32, 0x60, 0x00, 0x00, 0x04, /* lg %r3,0(%r2,%r6) */
    0xb9, 0x08, 0x00, 0x38,             /* agr %r3,%r8 */
    0xe3, 0x32, 0x60, 0x00, 0x00, 0x24, /* stg %r3,0(%r2,%r6) */
    0xb9, 0x82, 0x00, 0x93,             /* xgr %r9,%r3 */
    0xa7, 0x87, 0xff, 0xef,             /* brctg %r8,loop */
    0xa5, 0xae, 0xf0, 0x00,             /* llilh %r10,0xf000 */
    0xa7, 0xb9, 0x00, 0x00,             /* lghi %r11,0 */
    0x50, 0xb0, 0xa0, 0x00,             /* st %r11,0(%r10) */
    0xa7, 0xf4, 0x00, 0x00,             /* j . */
};

/* Run code under softkvm with r8 = iters; ns for the whole run (boot excluded). */
static int softkvm_round(const uint8_t *code, size_t len, uint64_t iters, double *ns)
{
    struct vm_config cfg = {.ram_mib = RAM_MIB, .ncpus = 1};
    FILE *devnull = fopen("/dev/null", "w");
    cfg.console = devnull;
    struct vm *vm;
    char err[256];
    if (vm_create(&vm, &s390x_arch_ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        fclose(devnull);
        return -1;
    }
    gmem_write(&vm->mem, CODE_AT, code, len);
    vm->entry = CODE_AT;
    int rc = vm_boot(vm, err, sizeof(err));
    uc_reg_write(vm->uc, UC_S390X_REG_R8, &iters);
    uint64_t t0 = bench_now_ns();
    const struct vm_outcome *out = rc == 0 ? vm_run(vm) : NULL;
    uint64_t t1 = bench_now_ns();
    if (out == NULL || out->kind != OUTCOME_GUEST_EXIT || out->status != 0) {
        fprintf(stderr, "bench: the s390x guest did not finish: %s\n", out ? out->reason : err);
        rc = -1;
    }
    *ns = (double)(t1 - t0);
    vm_destroy(vm);
    fclose(devnull);
    return rc;
}

static void bare_intr(uc_engine *uc, uint32_t intno, void *user)
{
    *(int *)user = 1;
    uc_emu_stop(uc);
}

static void bare_stop(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    uc_emu_stop(uc);
}

/* A bare engine with RAM and code, PSW in 64-bit mode, r8 = iters. */
static uc_engine *bare_engine(const uint8_t *code, size_t len, uint64_t iters, int *faulted)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_S390X, UC_MODE_BIG_ENDIAN, &uc) != UC_ERR_OK)
        return NULL;
    uint64_t mask = PSW_64;
    uc_hook h;
    uc_mem_map(uc, 0, RAM_MIB << 20, UC_PROT_ALL);
    uc_mem_write(uc, CODE_AT, code, len);
    uc_reg_write(uc, UC_S390X_REG_PSWM, &mask);
    uc_reg_write(uc, UC_S390X_REG_R8, &iters);
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)bare_intr, faulted, 1, 0);
    uc_ctl_exits_enable(uc);
    return uc;
}

/* The bare round trip: an exit address on the DIAGNOSE; stop, PC += 4, restart. With
 * hook_stop, a one-address code hook that stops the engine instead (the cheaper mechanism
 * softkvm's trap uses), for comparison. */
static int bare_hc_round(uint64_t iters, bool hook_stop, double *ns_per_exit)
{
    int faulted = 0;
    uc_engine *uc = bare_engine(hc_code, sizeof(hc_code), iters, &faulted);
    if (uc == NULL)
        return -1;
    uint64_t at = DIAG_AT, pc = CODE_AT, n = 0;
    uc_hook h;
    if (hook_stop)
        uc_hook_add(uc, &h, UC_HOOK_CODE, (void *)bare_stop, NULL, at, at);
    else
        uc_ctl_set_exits(uc, &at, 1);
    uint64_t t0 = bench_now_ns();
    while (n < iters && !faulted) {
        uc_emu_start(uc, pc, 0, 0, 0);
        uc_reg_read(uc, UC_S390X_REG_PC, &pc);
        if (pc != DIAG_AT)
            break;
        pc += 4;
        n++;
    }
    uint64_t t1 = bench_now_ns();
    uc_close(uc);
    *ns_per_exit = (double)(t1 - t0) / (double)iters;
    return n == iters ? 0 : -1;
}

/* The compute loop on the bare engine, stopped by an exit address after the loop. */
static int bare_compute_round(uint64_t iters, double *ns)
{
    int faulted = 0;
    uc_engine *uc = bare_engine(compute_code, sizeof(compute_code), iters, &faulted);
    if (uc == NULL)
        return -1;
    uint64_t end = CMP_END_AT, pc = 0;
    uc_ctl_set_exits(uc, &end, 1);
    uint64_t t0 = bench_now_ns();
    uc_emu_start(uc, CODE_AT, 0, 0, 0);
    uint64_t t1 = bench_now_ns();
    uc_reg_read(uc, UC_S390X_REG_PC, &pc);
    uc_close(uc);
    *ns = (double)(t1 - t0);
    return pc == CMP_END_AT && !faulted ? 0 : -1;
}

int bench_s390x(const struct bench_cfg *cfg, double *ns, double *base_ns)
{
    double hook[BENCH_MAX_ROUNDS], soft[BENCH_MAX_ROUNDS], bare[BENCH_MAX_ROUNDS];
    uint64_t citers = cfg->iterations * 10;
    for (unsigned r = 0; r < cfg->rounds; r++) {
        if (softkvm_round(hc_code, sizeof(hc_code), cfg->iterations, &ns[r]) != 0 ||
            bare_hc_round(cfg->iterations, false, &base_ns[r]) != 0 ||
            bare_hc_round(cfg->iterations, true, &hook[r]) != 0 ||
            softkvm_round(compute_code, sizeof(compute_code), citers, &soft[r]) != 0 ||
            bare_compute_round(citers, &bare[r]) != 0) {
            fprintf(stderr, "bench: s390x round %u failed\n", r);
            return -1;
        }
        ns[r] /= (double)cfg->iterations;
    }
    /* Each round's pair ran back to back: the median of the per-round ratios is less exposed
     * to a noisy host than a ratio of medians. */
    double ratio[BENCH_MAX_ROUNDS];
    for (unsigned r = 0; r < cfg->rounds; r++)
        ratio[r] = soft[r] > 0 ? bare[r] / soft[r] : 0.0;
    double s = bench_median(soft, cfg->rounds), b = bench_median(bare, cfg->rounds);
    printf("compute arch=s390x ratio=%.3f\n", bench_median(ratio, cfg->rounds));
    printf("compute_detail arch=s390x softkvm_ns_per_iter=%.2f bare_ns_per_iter=%.2f\n",
           s / (double)citers, b / (double)citers);
    printf("hypercall_roundtrip_detail arch=s390x hook_stop_baseline_ns=%.1f\n",
           bench_median(hook, cfg->rounds));
    fflush(stdout);
    return 0;
}
