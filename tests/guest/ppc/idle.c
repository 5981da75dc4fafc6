/* Guest test: EV_IDLE halts the vCPU until an interrupt. softkvm's decrementer counts virtual
 * time while the vCPU idles, so idling with DEC = n wakes it with a decrementer interrupt after
 * n + 1 ticks; with MSR[EE] = 0 the interrupt only wakes it and waits for EE. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

static volatile unsigned dec_hits;
static volatile unsigned long dec_in_handler, srr0_in_handler;

static void on_dec(struct ppc_regs *r)
{
    dec_hits++;
    dec_in_handler = mfspr(SPR_DEC);
    srr0_in_handler = r->srr0;
    mtspr(SPR_DEC, 0x7FFFFFFF); /* no second one soon */
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_idle" : "ppc_idle");
    ppc_trap_set(0x900, on_dec);
    CHECK(epapr_has_idle);

    gprintf("check: the decrementer does not count while the vCPU runs\n");
    mtspr(SPR_DEC, 5000);
    for (volatile int i = 0; i < 10000; i++)
        ;
    EXPECT_EQ(mfspr(SPR_DEC), 5000);

    gprintf("check: EV_IDLE with MSR[EE] = 1 returns after the decrementer interrupt\n");
    mtspr(SPR_DEC, 1000);
    irq_enable();
    EXPECT_EQ(ev_idle(), EV_SUCCESS);
    EXPECT_EQ(dec_hits, 1);
    EXPECT_EQ((uint32_t)dec_in_handler, 0xFFFFFFFFu);                 /* it just passed 0 */
    EXPECT_EQ(*(const uint32_t *)(srr0_in_handler - 4), 0x44000002u); /* right after the sc */
    CHECK(mfmsr() & MSR_EE);
    irq_disable();

    gprintf("check: EV_IDLE with MSR[EE] = 0: the interrupt wakes the vCPU, waits for EE\n");
    mtspr(SPR_DEC, 300);
    EXPECT_EQ(ev_idle(), EV_SUCCESS);
    EXPECT_EQ(dec_hits, 1);
    EXPECT_EQ((uint32_t)mfspr(SPR_DEC), 0xFFFFFFFFu);
    irq_enable();
    for (volatile int i = 0; i < 100 && dec_hits == 1; i++)
        ;
    EXPECT_EQ(dec_hits, 2);
    irq_disable();

    gprintf("check: a negative DEC counts down through 0x80000000 and 0 first\n");
    mtspr(SPR_DEC, 0xFFFFFF00);
    irq_enable();
    EXPECT_EQ(ev_idle(), EV_SUCCESS);
    EXPECT_EQ(dec_hits, 3);
    irq_disable();
    test_done();
}
