/* Guest test: KVM_HC_PPC_MAP_MAGIC_PAGE as Linux calls it (r3 = real address, r4 = effective
 * address | flags, both -4096), then both directions of the register/page agreement at hypercalls
 * and interrupts, the critical section, int_pending, and a magic page in RAM. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

void prog_trap(void);

#define MAGIC ((volatile struct kvm_vcpu_arch_shared *)(-4096L))

static volatile unsigned ext_hits;
static unsigned long h_srr0, h_page_srr0, h_srr1, h_page_srr1, h_msr, h_page_msr;
static uint8_t ram_page[4096] __attribute__((aligned(4096)));

static void sync_point(void)
{
    EXPECT_EQ(kvm_arch_para_features(), 2); /* any hypercall synchronises */
}

static void prog(struct ppc_regs *r)
{
    h_srr0 = mfspr(SPR_SRR0);
    h_page_srr0 = (unsigned long)MAGIC->srr0;
    h_srr1 = mfspr(SPR_SRR1);
    h_page_srr1 = (unsigned long)MAGIC->srr1;
    h_msr = mfmsr();
    h_page_msr = (unsigned long)MAGIC->msr;
    r->srr0 += 4;
}

static void on_ext(struct ppc_regs *r)
{
    (void)r;
    ext_hits++;
    ppc_irq_line(0);
}

static unsigned long stack_pointer(void)
{
    unsigned long sp;
    __asm__ volatile("mr %0, 1" : "=r"(sp));
    return sp;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_magic_page" : "ppc_magic_page");
    ppc_trap_set(0x700, prog);
    ppc_trap_set(0x500, on_ext);
    unsigned long feat = 0;

    gprintf("check: map it where Linux does: r3 = -4096, r4 = -4096 | NOT_MAPPED_NX\n");
    CHECK(kvm_arch_para_features() & (1 << KVM_FEATURE_MAGIC_PAGE));
    EXPECT_EQ(kvm_map_magic_page(-4096UL, -4096UL | MAGIC_PAGE_FLAG_NOT_MAPPED_NX, &feat), 0);
    EXPECT_EQ(feat, PPC64 ? KVM_MAGIC_FEAT_MAS0_TO_SPRG7
                          : (KVM_MAGIC_FEAT_SR | KVM_MAGIC_FEAT_MAS0_TO_SPRG7));
    EXPECT_EQ(MAGIC->msr, mfmsr());
    EXPECT_EQ(MAGIC->sprg0, mfspr(SPR_SPRG0));
    EXPECT_EQ(MAGIC->pir, mfspr(SPR_PIR));
    EXPECT_EQ(MAGIC->int_pending, 0);

    gprintf("check: mtspr -> page after the next hypercall\n");
    mtspr(SPR_SPRG0, 0x1000000A);
    mtspr(SPR_SPRG1, 0x1000000B);
    mtspr(SPR_SPRG2, 0x1000000C);
    mtspr(SPR_SPRG3, 0x1000000D);
    mtspr(SPR_SRR0, 0x10001000);
    mtspr(SPR_SRR1, 0x2000);
    mtspr(SPR_DAR, 0x10002000);
    mtspr(SPR_DSISR, 0x42000000);
    EXPECT_NE(MAGIC->sprg0, 0x1000000A); /* not before: the page is synchronised at exits */
    sync_point();
    EXPECT_EQ(MAGIC->sprg0, 0x1000000A);
    EXPECT_EQ(MAGIC->sprg1, 0x1000000B);
    EXPECT_EQ(MAGIC->sprg2, 0x1000000C);
    EXPECT_EQ(MAGIC->sprg3, 0x1000000D);
    EXPECT_EQ(MAGIC->srr0, 0x10001000);
    EXPECT_EQ(MAGIC->srr1, 0x2000);
    EXPECT_EQ(MAGIC->dar, 0x10002000);
    EXPECT_EQ(MAGIC->dsisr, 0x42000000);

    gprintf("check: page -> what mfspr returns after the next hypercall\n");
    MAGIC->sprg0 = 0x2000000A;
    MAGIC->sprg1 = 0x2000000B;
    MAGIC->sprg2 = 0x2000000C;
    MAGIC->sprg3 = 0x2000000D;
    MAGIC->srr0 = 0x20001000;
    MAGIC->srr1 = 0x3000;
    MAGIC->dar = 0x20002000;
    MAGIC->dsisr = 0x02000000;
    MAGIC->msr = mfmsr() | MSR_FP;
    sync_point();
    EXPECT_EQ(mfspr(SPR_SPRG0), 0x2000000A);
    EXPECT_EQ(mfspr(SPR_SPRG1), 0x2000000B);
    EXPECT_EQ(mfspr(SPR_SPRG2), 0x2000000C);
    EXPECT_EQ(mfspr(SPR_SPRG3), 0x2000000D);
    EXPECT_EQ(mfspr(SPR_SRR0), 0x20001000);
    EXPECT_EQ(mfspr(SPR_SRR1), 0x3000);
    EXPECT_EQ(mfspr(SPR_DAR), 0x20002000);
    EXPECT_EQ(mfspr(SPR_DSISR), 0x02000000);
    CHECK(mfmsr() & MSR_FP);
    MAGIC->msr = mfmsr() & ~MSR_FP;
    sync_point();
    CHECK(!(mfmsr() & MSR_FP));

#if !PPC64
    gprintf("check: segment registers and SPRG4-7 (7450 family) in both directions\n");
    mtsr(5, 0x00000555);
    mtspr(SPR_SPRG4, 0x44);
    sync_point();
    EXPECT_EQ(MAGIC->sr[5], 0x555);
    EXPECT_EQ(MAGIC->sprg4, 0x44);
    MAGIC->sr[6] = 0x666;
    MAGIC->sprg7 = 0x77;
    sync_point();
    EXPECT_EQ(mfsr(6), 0x666);
    EXPECT_EQ(mfspr(SPR_SPRG7), 0x77);
#endif

    gprintf("check: an interrupt updates the page before the handler runs\n");
    prog_trap();
    EXPECT_EQ(h_page_srr0, h_srr0);
    EXPECT_EQ(h_srr0, ppc_code_addr((const void *)prog_trap));
    EXPECT_EQ(h_page_srr1, h_srr1);
    EXPECT_EQ(h_page_msr, h_msr);
    CHECK(!(h_page_msr & MSR_EE));

    gprintf("check: int_pending while an interrupt waits for MSR[EE]\n");
    ppc_irq_line(1); /* EE is 0: pending */
    sync_point();
    EXPECT_EQ(MAGIC->int_pending, 1);
    EXPECT_EQ(ext_hits, 0);
    ppc_irq_line(0);
    sync_point();
    EXPECT_EQ(MAGIC->int_pending, 0);

    gprintf("check: no interrupt while critical == r1; taken once critical changes\n");
    unsigned long sp = stack_pointer();
    MAGIC->critical = sp;
    irq_enable();
    ppc_irq_line(1);
    for (volatile int i = 0; i < 1000; i++)
        ;
    EXPECT_EQ(ext_hits, 0);
    MAGIC->critical = 0;
    for (volatile int i = 0; i < 1000 && ext_hits == 0; i++)
        ;
    EXPECT_EQ(ext_hits, 1);
    irq_disable();

    gprintf("check: a magic page in guest RAM (pa = ea = a page of .bss)\n");
    unsigned long page = (unsigned long)ram_page;
    mtspr(SPR_SPRG2, 0x5252);
    EXPECT_EQ(kvm_map_magic_page(page, page, &feat), 0);
    volatile struct kvm_vcpu_arch_shared *m = (void *)page;
    EXPECT_EQ(m->sprg2, 0x5252);
    m->sprg3 = 0x5353;
    sync_point();
    EXPECT_EQ(mfspr(SPR_SPRG3), 0x5353);

    gprintf("check: a real address on a device cannot be the magic page: EV_EINVAL\n");
    EXPECT_EQ(kvm_map_magic_page(SKVM_TESTDEV_BASE, -4096UL, &feat), EV_EINVAL);
    EXPECT_EQ(feat, 0);
    EXPECT_EQ(kvm_map_magic_page(-4096UL, -4096UL, &feat), 0);
    sync_point();
    EXPECT_EQ(MAGIC->sprg3, 0x5353);
    test_done();
}
