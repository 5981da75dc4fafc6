/* Fuzz target: a whole run of a random guest image on one architecture (FUZZ_ARCH: 0 x86-64,
 * 1 ppc, 2 ppc64, 3 s390x), as tests/hostile/random_code.c does but coverage-guided: the input's
 * bytes are the code at 1 MiB (on x86 followed by HLT; on PowerPC also the exception vectors, on
 * s390x the new PSWs from its first bytes),
 * booted and run for at most RUN_BLOCKS translated-block executions or RUN_MS of CPU time
 * (code that rewrites itself makes the engine translate again at every store: slow, legitimate,
 * like the hostile test's one-second alarm). Every run must end as a guest exit, crash, halt or
 * one of the bounds: never a host error, crash or sanitizer report. */
#include <time.h>

#include "fuzz_vm.h"

#define CODE_BYTES  0x10000u
#define RUN_BLOCKS  5000u
#define RUN_MS      50u /* of this thread's CPU time: a loaded host does not shorten runs */
#define RUN_RAM_MIB 4u  /* code at 1 MiB; less RAM to clear per run */

static const struct arch_ops *const arches[] = {&x86_64_arch_ops, &ppc_arch_ops, &ppc64_arch_ops,
                                                &s390x_arch_ops};

struct run {
    struct vm *vm;
    unsigned blocks;
    uint64_t end_ms; /* CPU time (CLOCK_THREAD_CPUTIME_ID) when the run is stopped */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void count_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct run *r = user;
    ++r->blocks;
    if (r->blocks == RUN_BLOCKS || (r->blocks % 16 == 0 && now_ms() >= r->end_ms))
        vm_request_stop(r->vm, 1);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct arch_ops *ops = arches[FUZZ_ARCH];
    struct fuzz_in in = {data, size};
    uint8_t flags = (uint8_t)fuzz_take(&in, 1);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull == NULL)
        abort();
    struct vm_config cfg = {.ram_mib = RUN_RAM_MIB, .ncpus = 1, .console = devnull};
    cfg.hypercall_patching = flags & 1;
    cfg.vendor = (flags & 2) ? VENDOR_AMD : VENDOR_INTEL;
    if (ops == &x86_64_arch_ops && (flags & 4))
        cfg.ncpus = 2;
    if (flags & 8)
        cfg.trace_path = "/dev/null"; /* the trace writer sees hostile values too */
    struct vm *vm;
    char err[512];
    if (vm_create(&vm, ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: cannot create the VM: %s\n", err);
        abort();
    }
    uint8_t *code = gmem_ptr(&vm->mem, FUZZ_ENTRY, CODE_BYTES);
    size_t n = in.left < CODE_BYTES ? in.left : CODE_BYTES;
    memcpy(code, in.p, n);
    if (ops == &x86_64_arch_ops) /* past the input: HLT, not zeros (stores into the code page) */
        memset(code + n, 0xF4, CODE_BYTES - n);
    if (ops == &ppc_arch_ops || ops == &ppc64_arch_ops) /* the vectors: the same bytes */
        memcpy(gmem_ptr(&vm->mem, 0x100, 0x2f00), in.p, n < 0x2f00 ? n : 0x2f00);
    vm->entry = FUZZ_ENTRY;
    FUZZ_CHECK(vm_boot(vm, err, sizeof(err)) == 0);
    if (ops == &s390x_arch_ops) {
        /* Six new PSWs (external .. I/O) into the code, from the image's first bytes. */
        uint8_t *l = gmem_ptr(&vm->mem, 0x1a0, 0x60);
        for (unsigned k = 0; k < 6; k++) {
            uint64_t off = n >= 2 * k + 2 ? (uint64_t)(in.p[2 * k] | in.p[2 * k + 1] << 8) : 0;
            put_be64(l + 16 * k, 0x0000000180000000ULL);
            put_be64(l + 16 * k + 8, FUZZ_ENTRY + (off & ~1ULL));
        }
    }
    struct run r = {vm, 0, now_ms() + RUN_MS};
    uc_hook h;
    FUZZ_CHECK(uc_hook_add(vm->uc, &h, UC_HOOK_BLOCK, (void *)count_block, &r, 1, 0) == UC_ERR_OK);
    const struct vm_outcome *out = vm_run(vm);
    if (out->kind == OUTCOME_HOST_ERROR || out->kind == OUTCOME_IO_ERROR)
        fprintf(stderr, "fuzz: host error: %s\n", out->reason);
    FUZZ_CHECK(out->kind == OUTCOME_GUEST_EXIT || out->kind == OUTCOME_GUEST_CRASH ||
               out->kind == OUTCOME_GUEST_HALTED || out->kind == OUTCOME_STOPPED);
    vm_destroy(vm);
    fclose(devnull);
    return 0;
}
