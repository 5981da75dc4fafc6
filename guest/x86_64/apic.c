/* x86-64 guest local APIC helpers: enable, ICR sends with delivery-status wait, LVT timer. */
#include "guest/x86_64/apic.h"

#include "guest/x86_64/x86.h"

void apic_enable(void)
{
    uint32_t id = apic_id();
    apic_write(APIC_DFR, 0xFFFFFFFFu);            /* flat model */
    apic_write(APIC_LDR, (1u << (id & 7)) << 24); /* logical ID: one bit per CPU (IDs 0-7) */
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
}

void apic_disable(void)
{
    apic_write(APIC_SVR, apic_read(APIC_SVR) & ~APIC_SVR_ENABLE);
}

bool apic_icr_wait_idle(void)
{
    for (unsigned i = 0; i < 1000000u; i++) {
        if (!(apic_read(APIC_ICR_LO) & APIC_ICR_BUSY))
            return true;
        x86_pause();
    }
    return false;
}

void apic_send_icr(uint32_t dest, uint32_t icr_lo)
{
    uint64_t flags = x86_irq_save(); /* ICR high and low must not be split by another sender */
    apic_icr_wait_idle();
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, icr_lo);
    x86_irq_restore(flags);
}

void apic_send_init(uint32_t dest)
{
    apic_send_icr(dest, APIC_DM_INIT | APIC_INT_ASSERT | APIC_INT_LEVELTRIG);
    apic_send_icr(dest, APIC_DM_INIT | APIC_INT_LEVELTRIG); /* de-assert */
    apic_icr_wait_idle();
}

void apic_timer_start(uint8_t vector, uint32_t mode, uint32_t divide, uint32_t count, bool masked)
{
    apic_write(APIC_TIMER_INIT, 0); /* stop it while reprogramming */
    apic_write(APIC_LVT_TIMER, vector | mode | (masked ? APIC_LVT_MASKED : 0));
    apic_write(APIC_TIMER_DIV, divide);
    apic_write(APIC_TIMER_INIT, count);
}

void apic_timer_stop(void)
{
    apic_write(APIC_TIMER_INIT, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
}

void apic_vclock_start(void)
{
    apic_timer_start(0, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, 0xFFFFFFFFu, true);
}

uint64_t apic_vclock_ns(void)
{
    return (uint64_t)(0xFFFFFFFFu - apic_timer_current()) * APIC_TIMER_NS_PER_TICK;
}
