/* Hostile guests: random code (with hypercall instructions and device accesses sprinkled in, and
 * on x86 an IDT of random gates, on PowerPC random vectors, on s390x random new PSWs) must end
 * every run as a guest exit, crash or halt, never as a host crash, a sanitizer report or a host
 * error.
 *
 * usage: random_code ARCH FIRST_SEED COUNT     (ARCH: x86_64, ppc, ppc64, s390x)
 * RANDOM_CODE_TRACE=FILE traces the runs into FILE (for looking into one seed).
 * Each seed runs in a child process (every fourth one with --trace to /dev/null); a guest that is
 * still running after a second (a random loop is a legitimate guest) is stopped and counted. Exit
 * status 0 when every seed ended as allowed, 1 otherwise. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops x86_64_arch_ops, ppc_arch_ops, ppc64_arch_ops, s390x_arch_ops;

#define CODE_AT    0x100000ULL
#define CODE_BYTES 65536u
#define CHILD_BASE 20 /* a child exits with CHILD_BASE + outcome kind */

static uint64_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* x86: LIDT to a table of 256 random gates (interrupt/trap, DPL 0/3, some with an IST index, some
 * not present) into the random code, then the random code. */
static void x86_setup(struct vm *vm, uint8_t *code)
{
    static const uint8_t lidt[] = {0x0f, 0x01, 0x1c, 0x25, 0x00, 0x00, 0x11, 0x00}; /* 0x110000 */
    static const uint8_t types[] = {0x8e, 0x8f, 0xee, 0xef, 0x8e, 0x0e};
    memcpy(code, lidt, sizeof(lidt));
    uint8_t *desc = gmem_ptr(&vm->mem, 0x110000, 10);
    uint64_t base = 0x120000;
    desc[0] = 0xff;
    desc[1] = 0x0f;
    memcpy(desc + 2, &base, 8);
    uint8_t *idt = gmem_ptr(&vm->mem, base, 4096);
    for (unsigned v = 0; v < 256; v++) {
        uint64_t off = CODE_AT + rnd() % CODE_BYTES;
        uint8_t *g = idt + 16 * v;
        memset(g, 0, 16);
        g[0] = (uint8_t)off;
        g[1] = (uint8_t)(off >> 8);
        g[2] = 0x08; /* softkvm's 64-bit code selector */
        g[4] = rnd() % 4 == 0 ? (uint8_t)(rnd() & 7) : 0;
        g[5] = types[rnd() % sizeof(types)];
        g[6] = (uint8_t)(off >> 16);
        g[7] = (uint8_t)(off >> 24);
    }
}

/* PowerPC: random vectors (0x100-0x3000) with sc and rfi sprinkled in. */
static void ppc_setup(struct vm *vm)
{
    uint8_t *v = gmem_ptr(&vm->mem, 0x100, 0x2f00);
    for (unsigned i = 0; i < 0x2f00; i++)
        v[i] = (uint8_t)rnd();
    for (unsigned k = 0; k < 64; k++)
        put_be(v + ((rnd() % 0x2f00) & ~3u), k % 2 ? 0x44000002 : 0x4c000064, 4);
}

/* s390x (after boot, which writes the lowcore): random 64-bit new PSWs into the random code,
 * some with the wait bit or problem state. */
static void s390x_setup(struct vm *vm)
{
    uint8_t *l = gmem_ptr(&vm->mem, 0x1a0, 0x60);
    for (unsigned k = 0; k < 6; k++) {
        uint64_t mask = 0x0000000180000000ULL;
        if (rnd() % 2)
            mask |= 0x0001000000000000ULL; /* problem state */
        if (rnd() % 4 == 0)
            mask |= 0x0002000000000000ULL; /* wait */
        put_be(l + 16 * k, mask, 8);
        put_be(l + 16 * k + 8, CODE_AT + ((rnd() % CODE_BYTES) & ~1u), 8);
    }
}

static void sprinkle_hypercalls(const struct arch_ops *ops, uint8_t *p)
{
    for (unsigned k = 0; k < 64; k++) {
        unsigned o = rnd() % (CODE_BYTES - 8);
        if (ops == &x86_64_arch_ops) {
            p[o] = 0x0f;
            p[o + 1] = 0x01;
            p[o + 2] = rnd() % 2 ? 0xc1 : 0xd9;
        } else if (ops == &s390x_arch_ops) {
            put_be(p + (o & ~1u), 0x83000500 | (rnd() & 0x00ff0000), 4); /* diag rX,rY,0x500 */
        } else {
            put_be(p + (o & ~3u), 0x44000002, 4);
        }
    }
}

/* An argument that is sometimes plausible: anything, a small number (a channel handle, a byte
 * count), a page inside the 16 MiB of RAM, or Linux's magic-page address. */
static uint32_t hostile_arg(uint32_t any)
{
    switch (rnd() % 4) {
    case 0:
        return rnd() % 20;
    case 1:
        return (rnd() % 0x1000000) & ~0xFFFu;
    case 2:
        return 0xFFFFF000u;
    default:
        return any;
    }
}

/* One access to softkvm's devices with a random value at p; returns its length in bytes. On x86
 * IN/OUT to the UART, isa-debug-exit and fw_cfg ports, a load/store into the local APIC or
 * test device page, or a KVM hypercall with plausible arguments; on s390x a store into the virtio
 * console's registers; on PowerPC (whose devices are hypercalls) a PR-style hypercall with a real
 * token (FEATURES, MAP_MAGIC_PAGE, the byte channel, EV_IDLE) and random r3/r4. */
static unsigned device_access(const struct arch_ops *ops, uint8_t *p)
{
    static const uint16_t ports[] = {0x3f8, 0x3f9, 0x3fb, 0x3fd, 0xf4, 0x510, 0x511};
    static const uint8_t pio_ops[] = {0xee, 0xec, 0xef, 0xed}; /* out/in %al/%eax, (%dx) */
    uint32_t value = rnd();
    if (ops == &x86_64_arch_ops && rnd() % 3 == 0) {
        /* A KVM hypercall with a real number and half-plausible arguments (APIC IDs, bitmaps,
         * ICR values): KICK_CPU, SEND_IPI, SCHED_YIELD reach the APICs of both vCPUs. */
        static const uint32_t nrs[] = {1, 5, 9, 10, 11, 12};
        static const uint8_t movs[] = {0xb8, 0xbb, 0xb9, 0xba, 0xbe}; /* eax ebx ecx edx esi */
        for (unsigned i = 0; i < 5; i++) {
            uint32_t imm = i == 0 ? nrs[rnd() % (sizeof(nrs) / sizeof(nrs[0]))]
                                  : (rnd() % 2 ? rnd() % 4 : hostile_arg(rnd()));
            if (i == 4 && rnd() % 2)
                imm = 0x30 + rnd() % 0xD0; /* SEND_IPI's ICR: a fixed vector */
            p[5 * i] = movs[i];
            memcpy(p + 5 * i + 1, &imm, 4);
        }
        p[25] = 0x0f;
        p[26] = 0x01;
        p[27] = rnd() % 2 ? 0xc1 : 0xd9; /* vmcall / vmmcall */
        return 28;
    }
    if (ops == &x86_64_arch_ops) {
        p[0] = 0xb8; /* mov $value, %eax */
        memcpy(p + 1, &value, 4);
        if (rnd() % 2) {
            uint16_t port = ports[rnd() % (sizeof(ports) / sizeof(ports[0]))];
            const uint8_t seq[] = {0x66, 0xba, (uint8_t)port, (uint8_t)(port >> 8), /* mov dx */
                                   pio_ops[rnd() % sizeof(pio_ops)]};
            memcpy(p + 5, seq, sizeof(seq));
            return 5 + sizeof(seq);
        }
        uint64_t page = rnd() % 2 ? 0xFEE00000ULL : 0xF0000000ULL;
        uint64_t addr = page + (rnd() % 1024) * 4;
        p[5] = 0x48; /* movabs $addr, %rbx */
        p[6] = 0xbb;
        memcpy(p + 7, &addr, 8);
        p[15] = rnd() % 2 ? 0x89 : 0x8b; /* mov %eax, (%rbx) / mov (%rbx), %eax */
        p[16] = 0x03;
        return 17;
    }
    if (ops == &ppc_arch_ops || ops == &ppc64_arch_ops) {
        static const uint32_t tokens[] = {0x2A0003, 0x2A0004, 0x10001, 0x10002, 0x10003, 0x10010};
        uint32_t token = tokens[rnd() % (sizeof(tokens) / sizeof(tokens[0]))];
        value = hostile_arg(value);
        uint32_t r4 = hostile_arg(rnd());
        const uint32_t words[] = {
            0x3C004B56,                    /* lis r0,0x4b56 */
            0x60004D21,                    /* ori r0,r0,0x4d21: the PR-style magic */
            0x3D600000 | token >> 16,      /* lis r11,vendor */
            0x616B0000 | (token & 0xFFFF), /* ori r11,r11,nr */
            0x3C600000 | value >> 16,      /* lis r3,... */
            0x60630000 | (value & 0xFFFF), /* ori r3,r3,... */
            0x3C800000 | r4 >> 16,         /* lis r4,... */
            0x60840000 | (r4 & 0xFFFF),    /* ori r4,r4,... */
            0x44000002,                    /* sc */
        };
        for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            put_be(p + 4 * i, words[i], 4);
        return sizeof(words);
    }
    if (ops == &s390x_arch_ops) {
        put_be(p, 0xC02F, 2); /* llilf %r2, value */
        put_be(p + 2, value, 4);
        put_be(p + 6, 0xC01F, 2); /* llilf %r1, 0xF0001000 (the virtio console) */
        put_be(p + 8, 0xF0001000, 4);
        put_be(p + 12, 0x50201000 | (rnd() & 0xFFC), 4); /* st %r2, d(%r1) */
        return 16;
    }
    return 0;
}

/* A run of device accesses where the code starts (random code rarely gets far), and more of them
 * sprinkled through it. */
static void sprinkle_devices(const struct arch_ops *ops, uint8_t *code, unsigned start)
{
    unsigned at = start;
    for (unsigned k = 0; k < 12; k++)
        at += device_access(ops, code + at);
    for (unsigned k = 0; k < 48; k++)
        device_access(ops, code + ((rnd() % (CODE_BYTES - 64)) & ~3u));
}

/* One seed in this (child) process; returns CHILD_BASE + the outcome kind. */
static int run_seed(const struct arch_ops *ops, unsigned seed)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct vm_config cfg = {.ram_mib = 16, .ncpus = 1, .console = devnull};
    cfg.hypercall_patching = seed & 1;
    cfg.vendor = (seed & 2) ? VENDOR_AMD : VENDOR_INTEL;
    if (ops == &x86_64_arch_ops && seed % 3 == 0)
        cfg.ncpus = 2;
    if (seed % 4 == 0)
        cfg.trace_path = "/dev/null";        /* the trace writer sees hostile values too */
    if (getenv("RANDOM_CODE_TRACE") != NULL) /* to look into one failing seed */
        cfg.trace_path = getenv("RANDOM_CODE_TRACE");
    struct vm *vm;
    char err[512];
    if (devnull == NULL || vm_create(&vm, ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "seed %u: cannot create the VM: %s\n", seed, err);
        return 2;
    }
    rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    uint8_t *code = gmem_ptr(&vm->mem, CODE_AT, CODE_BYTES);
    for (unsigned i = 0; i < CODE_BYTES; i++)
        code[i] = (uint8_t)rnd();
    sprinkle_hypercalls(ops, code);
    sprinkle_devices(ops, code, ops == &x86_64_arch_ops ? 8 : 0); /* x86: after the LIDT */
    if (ops == &x86_64_arch_ops)
        x86_setup(vm, code);
    else if (ops != &s390x_arch_ops)
        ppc_setup(vm);
    vm->entry = CODE_AT;
    if (vm_boot(vm, err, sizeof(err)) != 0) {
        fprintf(stderr, "seed %u: cannot boot: %s\n", seed, err);
        return 2;
    }
    if (ops == &s390x_arch_ops)
        s390x_setup(vm);
    alarm(1);
    const struct vm_outcome *out = vm_run(vm);
    int kind = (int)out->kind;
    if (out->kind == OUTCOME_HOST_ERROR)
        fprintf(stderr, "seed %u: host error: %s\n", seed, out->reason);
    vm_destroy(vm);
    fclose(devnull);
    return CHILD_BASE + kind;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: random_code x86_64|ppc|ppc64|s390x FIRST_SEED COUNT\n");
        return 2;
    }
    const struct arch_ops *ops = strcmp(argv[1], "x86_64") == 0  ? &x86_64_arch_ops
                                 : strcmp(argv[1], "ppc") == 0   ? &ppc_arch_ops
                                 : strcmp(argv[1], "ppc64") == 0 ? &ppc64_arch_ops
                                 : strcmp(argv[1], "s390x") == 0 ? &s390x_arch_ops
                                                                 : NULL;
    unsigned first = (unsigned)strtoul(argv[2], NULL, 10),
             count = (unsigned)strtoul(argv[3], NULL, 10);
    if (ops == NULL || count == 0) {
        fprintf(stderr, "random_code: unknown architecture or no seeds\n");
        return 2;
    }
    unsigned ended[5] = {0}, running = 0, bad = 0;
    for (unsigned seed = first; seed < first + count; seed++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0)
            _exit(run_seed(ops, seed));
        int st = 0;
        waitpid(pid, &st, 0);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) - CHILD_BASE : -1;
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
            running++;
        } else if (code == OUTCOME_GUEST_EXIT || code == OUTCOME_GUEST_CRASH ||
                   code == OUTCOME_GUEST_HALTED) {
            ended[code]++;
        } else {
            bad++;
            if (WIFSIGNALED(st))
                printf("seed %u: softkvm died with signal %d\n", seed, WTERMSIG(st));
            else
                printf("seed %u: ended with status %d (outcome %d)\n", seed, WEXITSTATUS(st), code);
        }
    }
    printf("random_code %s seeds %u-%u: guest exit %u, guest crash %u, halted %u, still running "
           "after 1 s %u, host failures %u\n",
           argv[1], first, first + count - 1, ended[OUTCOME_GUEST_EXIT], ended[OUTCOME_GUEST_CRASH],
           ended[OUTCOME_GUEST_HALTED], running, bad);
    return bad == 0 ? 0 : 1;
}
