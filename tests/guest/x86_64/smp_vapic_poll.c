/* Guest test: an IPI held back by IF = 0 waits in the IRR and is delivered right after the next
 * KVM_HC_VAPIC_POLL_IRQ once IF = 1. */
#include "smp_test.h"

#define VEC_IPI 0x60

static volatile uint32_t got, got_cpu, isr_in_handler;
static volatile uint64_t got_rip;

/* CPU 1's observations. */
static volatile uint32_t ap_ready, ipi_sent, ap_done;
static volatile uint32_t irr_while_off, isr_while_off, got_while_off, got_after_poll_off;
static volatile uint32_t got_after_poll_on, irr_after, isr_after;
static volatile long poll_ret_off, poll_ret_on;

extern char poll_on_vmcall[], poll_on_after[], poll_on_vmmcall[], poll_on_after_amd[];

/* RAX = KVM_HC_VAPIC_POLL_IRQ; STI; VMCALL (in the STI shadow, so no CPU takes the interrupt
 * before the hypercall); the interrupt must come at poll_on_after. Returns the hypercall's RAX. */
__attribute__((noinline)) static long sti_poll(bool vmmcall)
{
    long ret;
    if (vmmcall)
        __asm__ volatile("sti\n"
                         ".globl poll_on_vmmcall\n"
                         "poll_on_vmmcall:\n\t"
                         "vmmcall\n" /* 0F 01 D9 */
                         ".globl poll_on_after_amd\n"
                         "poll_on_after_amd:\n\t"
                         "cli"
                         : "=a"(ret)
                         : "a"(KVM_HC_VAPIC_POLL_IRQ)
                         : "memory");
    else
        __asm__ volatile("sti\n"
                         ".globl poll_on_vmcall\n"
                         "poll_on_vmcall:\n\t"
                         "vmcall\n" /* 0F 01 C1 */
                         ".globl poll_on_after\n"
                         "poll_on_after:\n\t"
                         "cli"
                         : "=a"(ret)
                         : "a"(KVM_HC_VAPIC_POLL_IRQ)
                         : "memory");
    return ret;
}

static void ipi_handler(struct trap_frame *f)
{
    got_rip = f->rip;
    got_cpu = smp_cpu_id();
    isr_in_handler = apic_vector_bit(APIC_ISR, VEC_IPI);
    got++;
    apic_eoi();
}

void ap_main(unsigned cpu)
{
    if (cpu != 1)
        return;
    x86_cli();
    ap_ready = 1;
    /* Interrupts off: let the BSP send, and give the run loop plenty of resumes (slice ends,
     * exits) in which it must not deliver. */
    smp_wait_eq32(&ipi_sent, 1, SMP_TEST_SPINS);
    smp_test_settle(50000);
    irr_while_off = apic_vector_bit(APIC_IRR, VEC_IPI);
    isr_while_off = apic_vector_bit(APIC_ISR, VEC_IPI);
    got_while_off = got;
    poll_ret_off = kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    got_after_poll_off = got;
    poll_ret_on = sti_poll(x86_native_vmmcall());
    got_after_poll_on = got;
    irr_after = apic_vector_bit(APIC_IRR, VEC_IPI);
    isr_after = apic_vector_bit(APIC_ISR, VEC_IPI);
    ap_done = 1;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_vapic_poll");
    smp_test_boot(bi, 2);
    trap_register(VEC_IPI, ipi_handler);

    CHECK(smp_wait_eq32(&ap_ready, 1, SMP_TEST_SPINS));
    apic_send_ipi(1, VEC_IPI);
    smp_mb();
    ipi_sent = 1;
    CHECK(smp_wait_eq32(&ap_done, 1, SMP_TEST_SPINS));

    gprintf("check: with IF = 0 the IPI waits in CPU 1's IRR, not in service, not delivered, "
            "even across VAPIC_POLL_IRQ\n");
    EXPECT_EQ(irr_while_off, 1);
    EXPECT_EQ(isr_while_off, 0);
    EXPECT_EQ(got_while_off, 0);
    EXPECT_EQ(poll_ret_off, 0);
    EXPECT_EQ(got_after_poll_off, 0);
    gprintf("check: STI; VAPIC_POLL_IRQ returns 0 and the IPI is taken right after it, on CPU 1, "
            "in service in its handler\n");
    EXPECT_EQ(poll_ret_on, 0);
    EXPECT_EQ(got_after_poll_on, 1);
    EXPECT_EQ(got_rip, (uintptr_t)(x86_native_vmmcall() ? poll_on_after_amd : poll_on_after));
    EXPECT_EQ(got_cpu, 1);
    EXPECT_EQ(isr_in_handler, 1);
    EXPECT_EQ(irr_after, 0);
    EXPECT_EQ(isr_after, 0);
    EXPECT_EQ(got, 1);
    test_done();
}
