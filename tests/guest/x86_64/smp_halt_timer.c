/* Guest test (negative): the vCPUs halt with only a timer that cannot wake them (a masked periodic
 * timer, or an unmasked one while IF = 0): the run must still end (status 81), not wait forever.
 * MODE 0: masked periodic timer, STI;HLT. MODE 1: unmasked periodic timer, CLI;HLT. */
#include "smp_test.h"

#ifndef MODE
#error "build with MODE=0 or MODE=1"
#endif

#define VEC_TIMER 0x50

static volatile uint32_t ticks;

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    ticks++;
    apic_eoi();
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_halt_timer");
    x86_init(bi, false);
    smp_init();
    trap_register(VEC_TIMER, timer_handler);
    gprintf("halting with %s\n", MODE == 0 ? "a masked periodic timer, interrupts on"
                                           : "a periodic timer, interrupts off");
    apic_timer_start(VEC_TIMER, APIC_TIMER_PERIODIC, APIC_TIMER_DIV_1, 10000, MODE == 0);
    if (MODE == 0)
        x86_sti();
    else
        x86_cli();
    for (;;)
        x86_hlt();
}
