/* Guest test: an interrupt is never taken between STI and the HLT right after it (STI shadow). */
#include "smp_test.h"

#define VEC_TIMER 0x50

static volatile uint32_t ticks, in_shadow, cur_count;
extern char shadow_hlt[];

static void timer_handler(struct trap_frame *f)
{
    ticks++;
    if (f->rip == (uintptr_t)shadow_hlt) {
        in_shadow++; /* taken after STI, before the HLT: the HLT would now sleep */
        gprintf("  interrupt taken at the HLT right after STI (vector 0x%lx, initial count %u)\n",
                f->vector, cur_count);
        f->rip += 1; /* skip the HLT (F4) so the run goes on */
    }
    apic_eoi();
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_sti_shadow");
    x86_init(bi, false);
    smp_init();
    trap_register(VEC_TIMER, timer_handler);
    gprintf("check: a one-shot timer expiring at every block boundary around STI;HLT wakes the "
            "HLT and is never taken inside the STI shadow\n");
    unsigned n = 0;
    for (uint32_t count = 1; count <= 400; count++) {
        cur_count = count;
        x86_cli();
        apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, count, false);
        __asm__ volatile("sti\n"
                         ".globl shadow_hlt\n"
                         "shadow_hlt:\n\t"
                         "hlt" ::
                             : "memory");
        x86_cli();
        /* the interrupt may also have come before the STI block ended: then wait for none */
        n++;
        if (ticks != n) {
            gprintf("  count %u: %u ticks after the HLT, want %u\n", count, ticks, n);
            break;
        }
    }
    EXPECT_EQ(ticks, n);
    EXPECT_EQ(in_shadow, 0);
    gprintf("%u timer interrupts, %u inside the STI shadow\n", ticks, in_shadow);
    test_done();
}
