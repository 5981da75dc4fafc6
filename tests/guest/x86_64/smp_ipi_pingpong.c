/* Guest test: fixed IPI ping-pong between vCPU 0 and vCPU 1 through the ICR (also the benchmark).
 */
#include "smp_test.h"

#ifndef ROUNDS
#define ROUNDS 1000
#endif

#define VEC_PING 0x40 /* 0 -> 1 */
#define VEC_PONG 0x41 /* 1 -> 0 */

static volatile uint32_t pings, pongs;     /* handler counts on CPU 1 and CPU 0 */
static volatile uint32_t wrong_cpu;        /* a handler ran on the other CPU */
static volatile uint32_t isr_not_set;      /* the vector's ISR bit was clear in its handler */
static volatile uint32_t tmr_set;          /* an edge IPI showed up as level-triggered */
static volatile uint32_t isr_left_set;     /* ISR bit still set after EOI */
static volatile uint32_t irr_still_set;    /* IRR bit of the vector set in its own handler */
static volatile uint32_t bad_frame;        /* the frame was not kernel code with IF on */
static volatile uint32_t ap_done, ap_fail; /* CPU 1 finished its side / timed out */

static void check_in_handler(struct trap_frame *f, unsigned want_cpu)
{
    unsigned v = (unsigned)f->vector;
    if (smp_cpu_id() != want_cpu)
        wrong_cpu++;
    if (!apic_vector_bit(APIC_ISR, v))
        isr_not_set++;
    if (apic_vector_bit(APIC_TMR, v))
        tmr_set++;
    if (apic_vector_bit(APIC_IRR, v))
        irr_still_set++;
    if (f->cs != X86_SEL_KCODE || !(f->rflags & X86_RFLAGS_IF))
        bad_frame++;
    apic_eoi();
    if (apic_vector_bit(APIC_ISR, v))
        isr_left_set++;
}

static void ping_handler(struct trap_frame *f)
{
    check_in_handler(f, 1);
    pings++;
}

static void pong_handler(struct trap_frame *f)
{
    check_in_handler(f, 0);
    pongs++;
}

void ap_main(unsigned cpu)
{
    if (cpu != 1)
        return;
    for (uint32_t i = 1; i <= ROUNDS; i++) {
        if (!smp_test_halt_until_ge(&pings, i, 1000000)) {
            ap_fail = 1;
            break;
        }
        apic_send_ipi(0, VEC_PONG);
    }
    ap_done = 1;
}

int kmain(const struct skvm_boot_info *bi)
{
#ifdef BENCH
    test_start("bench_ipi_pingpong");
#else
    test_start("x86_smp_ipi_pingpong");
#endif
    x86_init(bi, false);
    trap_register(VEC_PING, ping_handler);
    trap_register(VEC_PONG, pong_handler);
    smp_init();
    EXPECT_EQ(smp_start_ap(1), true);

#ifndef BENCH
    gprintf("check: %u round trips of fixed IPIs (vector 0x%x to CPU 1, 0x%x back to CPU 0)\n",
            ROUNDS, VEC_PING, VEC_PONG);
#endif
    uint32_t done = 0;
    for (uint32_t i = 1; i <= ROUNDS; i++) {
        apic_send_ipi(1, VEC_PING);
        if (!smp_test_halt_until_ge(&pongs, i, 1000000))
            break;
        done = i;
    }
    smp_test_wait_ge(&ap_done, 1, SMP_TEST_SPINS);
    EXPECT_EQ(done, ROUNDS);
    EXPECT_EQ(pings, ROUNDS);
    EXPECT_EQ(pongs, ROUNDS);
    EXPECT_EQ(ap_done, 1);
    EXPECT_EQ(ap_fail, 0);
#ifndef BENCH
    gprintf("check: each handler ran on its CPU, with its ISR bit set, IRR and TMR clear, "
            "and EOI cleared the ISR bit\n");
#endif
    EXPECT_EQ(wrong_cpu, 0);
    EXPECT_EQ(isr_not_set, 0);
    EXPECT_EQ(tmr_set, 0);
    EXPECT_EQ(irr_still_set, 0);
    EXPECT_EQ(isr_left_set, 0);
    EXPECT_EQ(bad_frame, 0);
    gprintf("ipi_pingpong rounds=%u\n", (unsigned)done);
    test_done();
}
