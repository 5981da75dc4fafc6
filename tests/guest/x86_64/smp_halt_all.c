/* Guest test (negative): every vCPU halts with nothing that can wake it: the run ends (status 81)
 * with softkvm's "all vCPUs halted" message. Run with --smp 4. */
#include "smp_test.h"

static volatile uint32_t halting;

void ap_main(unsigned cpu)
{
    (void)cpu;
    x86_cli();
    atomic_fetch_add32(&halting, 1);
    for (;;)
        x86_hlt(); /* interrupts off, no kick will come */
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_halt_all");
    smp_test_boot(bi, 4);
    CHECK(smp_test_wait_ge(&halting, 3, SMP_TEST_SPINS));
    gprintf("%u APs halted with interrupts off; now the BSP halts too (interrupts on, no timer)\n",
            halting);
    for (;;)
        x86_safe_halt();
}
