/* Shared helpers of the multi-vCPU guest tests: bring-up with checks, bounded waits. */
#ifndef SMP_TEST_H
#define SMP_TEST_H

#include "guest/softkvm_guest.h"
#include "guest/x86_64/smp.h"

/* x86_init without paging, smp_init, start every AP; checks that want CPUs came up. */
static inline void smp_test_boot(const struct skvm_boot_info *bi, unsigned want)
{
    x86_init(bi, false);
    smp_init();
    EXPECT_EQ(smp_ncpus, want);
    unsigned online = smp_boot_aps();
    EXPECT_EQ(online, want);
    if (online != want) {
        gprintf("only %u of %u CPUs came up\n", online, want);
        test_done();
    }
}

/* Let the other vCPUs run for a while: spins with PAUSE (each slice end lets the others run). */
static inline void smp_test_settle(unsigned spins)
{
    for (unsigned i = 0; i < spins; i++)
        x86_pause();
}

/* Spin until *p >= want (bounded); returns whether it got there. */
static inline bool smp_test_wait_ge(const volatile uint32_t *p, uint32_t want, uint64_t spins)
{
    for (uint64_t i = 0; i < spins; i++) {
        if (*p >= want)
            return true;
        x86_pause();
    }
    return *p >= want;
}

/* Sleep with interrupts on until *p >= want: CLI, check, STI;HLT, as an idle loop does. Returns
 * false if max_halts wake-ups pass without it. */
static inline bool smp_test_halt_until_ge(const volatile uint32_t *p, uint32_t want,
                                          unsigned max_halts)
{
    for (unsigned i = 0; i < max_halts; i++) {
        x86_cli();
        if (*p >= want) {
            x86_sti();
            return true;
        }
        x86_safe_halt();
    }
    return *p >= want;
}

#define SMP_TEST_SPINS 20000000u

#endif
