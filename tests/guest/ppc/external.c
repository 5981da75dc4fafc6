/* Guest test: the external interrupt (0x500) from softkvm's interrupt line: taken promptly with
 * MSR[EE] = 1, held while EE = 0 and taken as soon as the guest sets EE, before the decrementer
 * when both are pending. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

static volatile unsigned ext_hits, dec_hits, order;
static volatile unsigned ext_order, dec_order;
static struct ppc_regs last;

static void on_ext(struct ppc_regs *r)
{
    last = *r;
    ext_hits++;
    ext_order = ++order;
    ppc_irq_line(0); /* acknowledge: the line is level-triggered */
}

static void on_dec(struct ppc_regs *r)
{
    (void)r;
    dec_hits++;
    dec_order = ++order;
    mtspr(SPR_DEC, 0x7FFFFFFF);
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_external" : "ppc_external");
    ppc_trap_set(0x500, on_ext);
    ppc_trap_set(0x900, on_dec);

    gprintf("check: with MSR[EE] = 1 the interrupt is taken within a few instructions\n");
    irq_enable();
    ppc_irq_line(1);
    volatile int spins = 0;
    while (ext_hits == 0 && spins < 1000)
        spins++;
    EXPECT_EQ(ext_hits, 1);
    CHECK(spins < 10);
    CHECK(last.srr1 & MSR_EE);
    EXPECT_EQ(last.vector, 0x500);
    irq_disable();

    gprintf("check: with MSR[EE] = 0 it waits (also across hypercalls), then comes at mtmsr\n");
    ppc_irq_line(1);
    for (volatile int i = 0; i < 1000; i++)
        ;
    EXPECT_EQ(kvm_arch_para_features(), 2);
    EXPECT_EQ(ext_hits, 1);
    irq_enable();
    spins = 0;
    while (ext_hits == 1 && spins < 1000)
        spins++;
    EXPECT_EQ(ext_hits, 2);
    CHECK(spins < 10);
    irq_disable();

    gprintf("check: external before decrementer when both are pending\n");
    mtspr(SPR_DEC, 10);
    EXPECT_EQ(ev_idle(), EV_SUCCESS); /* EE = 0: woken by the decrementer, which stays pending */
    ppc_irq_line(1);
    irq_enable();
    for (volatile int i = 0; i < 100 && (dec_hits == 0 || ext_hits < 3); i++)
        ;
    irq_disable();
    EXPECT_EQ(ext_hits, 3);
    EXPECT_EQ(dec_hits, 1);
    CHECK(ext_order < dec_order);
    test_done();
}
