/* Guest test: KVM_HC_SEND_IPI: bitmaps from min, IDs that do not exist, -KVM_EINVAL for logical
 * and shorthand ICRs, 32-bit callers' second bitmap at min + 32, the count returned; the SDK's
 * kvm_send_ipi_mask. Run with --smp 40 (APIC IDs 0-39). With WRAP_ONLY: KVM's u32 wrap of
 * min + 64 / min + 32. */
#include "smp_test.h"

#define NCPUS   40
#define VEC_IPI 0x80

static volatile uint32_t got[SMP_MAX_CPUS];
static uint32_t expect[SMP_MAX_CPUS];

static void ipi_handler(struct trap_frame *f)
{
    (void)f;
    got[smp_cpu_id()]++;
    apic_eoi();
}

/* 32-bit code for x86_compat_call: the hypercall with the registers as loaded, then ret. */
__asm__(".text\n"
        ".code32\n"
        "compat_vmcall32:\n"
        "    vmcall\n" /* 0F 01 C1 */
        "    ret\n"
        "compat_vmmcall32:\n"
        "    vmmcall\n" /* 0F 01 D9 */
        "    ret\n"
        ".code64\n");
extern char compat_vmcall32[], compat_vmmcall32[];

/* SEND_IPI from compatibility mode with full 64-bit register values; returns the whole RAX. */
static uint64_t send_ipi32(uint64_t rbx, uint64_t rcx, uint64_t rdx, uint64_t rsi)
{
    struct x86_compat_regs r = {
        .rax = KVM_HC_SEND_IPI, .rbx = rbx, .rcx = rcx, .rdx = rdx, .rsi = rsi};
    uint32_t entry =
        (uint32_t)(uintptr_t)(x86_native_vmmcall() ? compat_vmmcall32 : compat_vmcall32);
    uint64_t flags = x86_irq_save(); /* no interrupt handler runs in compatibility mode */
    x86_compat_call(entry, &r);
    x86_irq_restore(flags);
    return r.rax;
}

/* Wait until every CPU has had the IPIs expect[] says, let stragglers arrive, compare. */
static void settle_and_compare(const char *what)
{
    for (unsigned round = 0; round < 200; round++) {
        bool all = true;
        for (unsigned c = 0; c < NCPUS; c++)
            all = all && got[c] >= expect[c];
        if (all)
            break;
        kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0); /* the BSP's own IPIs */
        smp_test_settle(20000);
    }
    smp_test_settle(30000);
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    unsigned bad = 0;
    for (unsigned c = 0; c < NCPUS; c++) {
        if (got[c] != expect[c]) {
            if (bad++ < 4)
                gprintf("  %s: CPU %u got %u IPIs, want %u\n", what, c, got[c], expect[c]);
            expect[c] = got[c]; /* the next case starts from what happened */
        }
    }
    EXPECT_EQ(bad, 0);
}

/* The IDs bits of one bitmap word name, counted from start (u32 arithmetic, as KVM's min). */
static void expect_window(uint64_t bits, uint32_t start, unsigned width)
{
    for (unsigned i = 0; i < width; i++)
        if (((bits >> i) & 1) && (uint64_t)start + i < NCPUS)
            expect[start + i]++;
}

#define ICR_FIXED (APIC_DM_FIXED | VEC_IPI)

/* A 64-bit SEND_IPI (a2 passed whole): check the return, then who got what. */
static void check64(const char *what, uint64_t lo, uint64_t hi, uint64_t a2, uint64_t a3, long want)
{
    gprintf("check: %s -> %ld\n", what, want);
    long r = kvm_hypercall_native(KVM_HC_SEND_IPI, lo, hi, a2, a3);
    EXPECT_EQ(r, want);
    if (want > 0) {
        uint32_t min = (uint32_t)a2;
        expect_window(lo, min, 64);
        expect_window(hi, min + 64u, 64);
    }
    settle_and_compare(what);
}

/* The same from compatibility mode: registers as given (64 bits), RAX returned whole. */
static void check32(const char *what, uint64_t rbx, uint64_t rcx, uint64_t rdx, uint64_t rsi,
                    uint64_t want_rax)
{
    gprintf("check: 32-bit caller: %s -> RAX 0x%lx\n", what, want_rax);
    uint64_t rax = send_ipi32(rbx, rcx, rdx, rsi);
    EXPECT_EQ(rax, want_rax);
    if ((int32_t)want_rax > 0) {
        uint32_t min = (uint32_t)rdx;
        expect_window((uint32_t)rbx, min, 32);
        expect_window((uint32_t)rcx, min + 32u, 32);
    }
    settle_and_compare(what);
}

__attribute__((unused)) static void disable_apic(void *arg)
{
    (void)arg;
    apic_disable();
}

__attribute__((unused)) static void enable_apic(void *arg)
{
    (void)arg;
    apic_enable();
}

int kmain(const struct skvm_boot_info *bi)
{
#ifdef WRAP_ONLY
    test_start("x86_smp_send_ipi_wrap");
#else
    test_start("x86_smp_send_ipi");
#endif
    smp_test_boot(bi, NCPUS);
    trap_register(VEC_IPI, ipi_handler);
    x86_sti();

#ifdef WRAP_ONLY
    /* KVM computes the second window's start as u32 min + 64 (min + 32 for 32-bit callers): it
     * wraps to the low APIC IDs (arch/x86/kvm/lapic.c, kvm_pv_send_ipi: u32 min; min +=
     * cluster_size). */
    check64("min 0xFFFFFFC0, a1 bit 7 (u32 min + 64 wraps to 0): APIC ID 7", 0, 1ull << 7,
            0xFFFFFFC0ul, ICR_FIXED, 1);
    check64("min 0xFFFFFFD9, a0 all ones, a1 bits 14 and 15 (a1 from ID 25): ID 39 only", ~0ull,
            3ull << 14, 0xFFFFFFD9ul, ICR_FIXED, 1);
    check32("min 0xFFFFFFE0, a1 bit 4 (u32 min + 32 wraps to 0): APIC ID 4", 0, 1u << 4,
            0xFFFFFFE0u, ICR_FIXED, 1);
#else
    check64("a0 bit 5, min 0: APIC ID 5", 1ull << 5, 0, 0, ICR_FIXED, 1);
    check64("a0 all ones, min 0: every APIC ID 0-39 (the caller too), bits past ID 39 ignored",
            ~0ull, 0, 0, ICR_FIXED, NCPUS);
    check64("a0 0xFF, min 36: IDs 36-39 exist, 40-43 do not", 0xFF, 0, 36, ICR_FIXED, 4);
    check64("a0 and a1 all ones, min 40 (above the highest ID)", ~0ull, ~0ull, 40, ICR_FIXED, 0);
    check64("min 0xFFFFFFFF", ~0ull, ~0ull, 0xFFFFFFFFul, ICR_FIXED, 0);
    check64("a2 bits above 31 are not part of min: 0xFFFFFFFF00000003, a0 bit 0 -> ID 3", 1, 0,
            0xFFFFFFFF00000003ul, ICR_FIXED, 1);
    check64("a1 (IDs min+64..min+127) all ones, min 0: none exist", 0, ~0ull, 0, ICR_FIXED, 0);
    check64("a0 bits 1 and 2, a1 all ones, min 37: IDs 38, 39", 6, ~0ull, 37, ICR_FIXED, 2);
    check64("logical destination (ICR bit 11)", 1ull << 1, 0, 0, ICR_FIXED | APIC_DEST_LOGICAL,
            -KVM_EINVAL);
    check64("shorthand self", 1ull << 1, 0, 0, ICR_FIXED | APIC_DEST_SELF, -KVM_EINVAL);
    check64("shorthand all including self", 1ull << 1, 0, 0, ICR_FIXED | APIC_DEST_ALLINC,
            -KVM_EINVAL);
    check64("shorthand all but self", 1ull << 1, 0, 0, ICR_FIXED | APIC_DEST_ALLBUT, -KVM_EINVAL);
    check64("ICR with bit 32 set (a3 is the ICR's low word): ID 9", 1ull << 9, 0, 0,
            (1ull << 32) | ICR_FIXED, 1);
    check64("empty bitmaps", 0, 0, 0, ICR_FIXED, 0);

    gprintf("check: a software-disabled APIC (CPU 10) does not accept a fixed IPI: not counted\n");
    CHECK(smp_call(10, disable_apic, NULL));
    expect[10]--; /* check64 expects every ID of the bitmap when the count is positive */
    check64("a0 bits 10 and 11, CPU 10's APIC disabled: only ID 11", 3ull << 10, 0, 0, ICR_FIXED,
            1);
    /* CPU 10 takes no IPI now: wake it with a kick to re-enable its APIC. */
    CHECK(smp_call_async(10, enable_apic, NULL));
    EXPECT_EQ(kvm_kick_cpu(10), 0);
    CHECK(smp_call_wait(10));

    check32("a0 bit 3, a1 bit 1, min 0: IDs 3 and 33 (a1 starts at min + 32)", 1u << 3, 1u << 1, 0,
            ICR_FIXED, 2);
    check32("a1 bit 7, min 0: ID 39", 0, 1u << 7, 0, ICR_FIXED, 1);
    check32("a1 bit 0, min 8: ID 40 does not exist", 0, 1, 8, ICR_FIXED, 0);
    check32("a1 bit 0, min 7: ID 39", 0, 1, 7, ICR_FIXED, 1);
    check32("upper halves of RBX, RCX, RDX, RSI ignored: ID 2", 0xFFFFFFFF00000000ul | (1u << 2),
            0xFFFFFFFF00000000ul, 0xFFFFFFFF00000000ul, 0xFFFFFFFF00000000ul | ICR_FIXED, 1);
    check32("a0 all ones, min 0: IDs 0-31 (a0 is 32 bits wide)", 0xFFFFFFFFu, 0, 0, ICR_FIXED, 32);
    check32("logical destination: -22 as 32 bits", 1u << 1, 0, 0, ICR_FIXED | APIC_DEST_LOGICAL,
            (uint32_t)-KVM_EINVAL);
    check32("shorthand all but self: -22 as 32 bits", 1u << 1, 0, 0, ICR_FIXED | APIC_DEST_ALLBUT,
            (uint32_t)-KVM_EINVAL);

    gprintf("check: kvm_send_ipi_mask packs IDs into 128-bit windows: {1, 39, 130, 200} -> 2\n");
    uint64_t mask[4] = {(1ull << 1) | (1ull << 39), 0, 1ull << (130 - 128), 1ull << (200 - 192)};
    EXPECT_EQ(kvm_send_ipi_mask(mask, 256, VEC_IPI), 2);
    expect[1]++;
    expect[39]++;
    settle_and_compare("kvm_send_ipi_mask");
    gprintf("check: kvm_send_ipi_mask to every AP returns %u\n", NCPUS - 1);
    uint64_t all = ((1ull << NCPUS) - 1) & ~1ull;
    EXPECT_EQ(kvm_send_ipi_mask(&all, 64, VEC_IPI), NCPUS - 1);
    for (unsigned c = 1; c < NCPUS; c++)
        expect[c]++;
    settle_and_compare("kvm_send_ipi_mask all");
    gprintf("check: smp_send_ipi_mask (PV here) to CPUs 4 and 20\n");
    uint64_t two = (1ull << 4) | (1ull << 20);
    EXPECT_EQ(smp_send_ipi_mask(&two, 64, VEC_IPI), 2);
    expect[4]++;
    expect[20]++;
    settle_and_compare("smp_send_ipi_mask");
#endif
    test_done();
}
