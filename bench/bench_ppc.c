/* PowerPC hypercall round trip (ppc and ppc64): a guest looping on a PR-style KVM_HC_FEATURES
 * (sc with the r0 magic) under softkvm, against the engine stopping at the same sc and
 * restarting with nothing else done, in alternating rounds. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops ppc_arch_ops;
extern const struct arch_ops ppc64_arch_ops;

#define CODE_AT 0x100000ULL
#define RAM_MIB 16

/* CTR = iterations; r0 = magic, r11 = KVM_HC_FEATURES; loop { sc; bdnz }; exit(0). */
static const uint32_t guest_code[] = {
    0x3C004B56, /* lis r0,0x4b56 */
    0x60004D21, /* ori r0,r0,0x4d21 */
    0x3D60002A, /* lis r11,0x2a */
    0x616B0003, /* ori r11,r11,3: token 0x2A0003 */
    0x44000002, /* loop: sc */
    0x4200FFFC, /* bdnz loop */
    0x39200000, /* li r9,0 */
    0x6529F000, /* oris r9,r9,0xf000: the test device */
    0x38600000, /* li r3,0 */
    0x90690000, /* stw r3,0(r9): exit status 0 */
    0x48000000, /* b . */
};
#define LOOP_AT (CODE_AT + 16)

static int make_vm(const struct arch_ops *ops, FILE *devnull, struct vm **out)
{
    struct vm_config cfg = {.ram_mib = RAM_MIB, .ncpus = 1, .console = devnull};
    char err[512];
    if (vm_create(out, ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    struct vm *vm = *out;
    uint8_t *p = gmem_ptr(&vm->mem, CODE_AT, sizeof(guest_code));
    for (size_t i = 0; i < sizeof(guest_code) / 4; i++) {
        p[4 * i] = (uint8_t)(guest_code[i] >> 24);
        p[4 * i + 1] = (uint8_t)(guest_code[i] >> 16);
        p[4 * i + 2] = (uint8_t)(guest_code[i] >> 8);
        p[4 * i + 3] = (uint8_t)guest_code[i];
    }
    vm->entry = CODE_AT;
    if (vm_boot(vm, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        vm_destroy(vm);
        return -1;
    }
    return 0;
}

static int softkvm_round(const struct arch_ops *ops, uint64_t iters, double *ns_per_call)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct vm *vm;
    if (make_vm(ops, devnull, &vm) != 0) {
        fclose(devnull);
        return -1;
    }
    uc_reg_write(vm->uc, UC_PPC_REG_CTR, &iters);
    uint64_t t0 = bench_now_ns();
    const struct vm_outcome *out = vm_run(vm);
    uint64_t t1 = bench_now_ns();
    int rc = 0;
    if (out->kind != OUTCOME_GUEST_EXIT || out->status != 0) {
        fprintf(stderr, "bench: the %s guest did not finish: %s\n", ops->name, out->reason);
        rc = -1;
    }
    *ns_per_call = (double)(t1 - t0) / (double)iters;
    vm_destroy(vm);
    fclose(devnull);
    return rc;
}

static void bare_intr(uc_engine *uc, uint32_t intno, void *user)
{
    uc_emu_stop(uc);
}

static void write_code(uc_engine *uc)
{
    uint8_t code[sizeof(guest_code)];
    for (size_t i = 0; i < sizeof(guest_code) / 4; i++) {
        code[4 * i] = (uint8_t)(guest_code[i] >> 24);
        code[4 * i + 1] = (uint8_t)(guest_code[i] >> 16);
        code[4 * i + 2] = (uint8_t)(guest_code[i] >> 8);
        code[4 * i + 3] = (uint8_t)guest_code[i];
    }
    uc_mem_write(uc, CODE_AT, code, sizeof(code));
}

/* The engine alone: the same loop on a fresh engine, the sc stopping it through an interrupt hook
 * that does nothing else, restarted at the PC it reports. ppc64 cannot run without the CPU state
 * softkvm sets up (MSR[HV]): that engine starts from a booted VM's saved CPU context. */
static int bare_round(const struct arch_ops *ops, bool is64, uint64_t iters, double *ns_per_exit)
{
    FILE *devnull = NULL;
    struct vm *vm = NULL;
    uc_context *ctx = NULL;
    uc_engine *uc;
    uc_hook h;
    if (is64) {
        devnull = fopen("/dev/null", "w");
        if (make_vm(ops, devnull, &vm) != 0 || uc_context_alloc(vm->uc, &ctx) != UC_ERR_OK) {
            vm_destroy(vm);
            fclose(devnull);
            return -1;
        }
        uc_context_save(vm->uc, ctx);
    }
    if (uc_open(UC_ARCH_PPC, (is64 ? UC_MODE_PPC64 : UC_MODE_PPC32) | UC_MODE_BIG_ENDIAN, &uc) !=
        UC_ERR_OK)
        return -1;
    uc_mem_map(uc, 0, RAM_MIB << 20, UC_PROT_ALL);
    write_code(uc);
    if (is64) {
        uc_context_restore(uc, ctx);
    } else {
        uint64_t msr = 0x1000; /* ME: supervisor, real mode, vectors at 0 */
        uc_reg_write(uc, UC_PPC_REG_MSR, &msr);
    }
    uc_ctl_exits_enable(uc);
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)bare_intr, NULL, 1, 0);
    uint64_t ctr = iters, pc = CODE_AT, n = 0;
    uc_reg_write(uc, UC_PPC_REG_CTR, &ctr);
    uint64_t t0 = bench_now_ns();
    while (n < iters) {
        if (uc_emu_start(uc, pc, 0, 0, 0) != UC_ERR_OK)
            break;
        pc = 0;
        uc_reg_read(uc, UC_PPC_REG_PC, &pc);
        n++;
    }
    uint64_t t1 = bench_now_ns();
    *ns_per_exit = (double)(t1 - t0) / (double)iters;
    uc_close(uc);
    if (vm != NULL) {
        uc_context_free(ctx);
        vm_destroy(vm);
        fclose(devnull);
    }
    return n == iters ? 0 : -1;
}

static int run(const struct arch_ops *ops, bool is64, const struct bench_cfg *cfg, double *ns,
               double *base_ns)
{
    for (unsigned r = 0; r < cfg->rounds; r++) {
        if (softkvm_round(ops, cfg->iterations, &ns[r]) != 0 ||
            bare_round(ops, is64, cfg->iterations, &base_ns[r]) != 0)
            return -1;
    }
    return 0;
}

int bench_ppc(const struct bench_cfg *cfg, double *ns, double *base_ns)
{
    return run(&ppc_arch_ops, false, cfg, ns, base_ns);
}

int bench_ppc64(const struct bench_cfg *cfg, double *ns, double *base_ns)
{
    return run(&ppc64_arch_ops, true, cfg, ns, base_ns);
}
