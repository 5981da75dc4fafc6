/* Guest test: the PC's interrupt and timer devices from a kernel's side, timed against the local
 * APIC timer: Linux's PIT channel 2 calibration loop (port 0x61), PIT channel 0 through the
 * IOAPIC at 1 kHz, the 8259's view of IRQ 0 by polling, the RTC's time (the wall clock pinned at
 * 1700000000) and its 1024 Hz periodic interrupt through IOAPIC pin 8. Run by
 * tests/unit/test_pcdev_guest.c, which adds the devices to a softkvm-board VM (the pc board boots
 * only 32-bit kernels, whose interrupt delivery is not there yet). */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/apic.h"
#include "guest/x86_64/x86.h"

#define IOAPIC_BASE 0xFEC00000ul
#define VEC_PIT     0x30
#define VEC_RTC     0x38
#define VEC_PIC0    0x20         /* the 8259's IRQ 0 after ICW2 = 0x20 */
#define LAPIC_HZ    100000000ull /* the APIC timer's input: 10 ns per tick */

static volatile unsigned pit_irqs, rtc_irqs;

static void ioapic_write(unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    *(volatile uint32_t *)(IOAPIC_BASE + 0x10) = v;
}

static uint32_t ioapic_read(unsigned reg)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    return *(volatile uint32_t *)(IOAPIC_BASE + 0x10);
}

static uint8_t cmos(uint8_t reg)
{
    x86_outb(0x70, reg);
    return x86_inb(0x71);
}

static void pit_handler(struct trap_frame *f)
{
    (void)f;
    pit_irqs++;
    apic_eoi();
}

static volatile unsigned pic_irqs;

/* IRQ 0 through the 8259 and LINT0 (ExtINT): EOI goes to the 8259, not the APIC. */
static void pic0_handler(struct trap_frame *f)
{
    (void)f;
    pic_irqs++;
    x86_outb(0x20, 0x20);
}

static void rtc_handler(struct trap_frame *f)
{
    (void)f;
    rtc_irqs++;
    (void)cmos(0x0C); /* acknowledge: the RTC's line drops */
    apic_eoi();
}

/* APIC timer ticks elapsed since the free-running count was started (10 ns each). */
static uint32_t lapic_elapsed(void)
{
    return 0xFFFFFFFFu - apic_read(APIC_TIMER_CUR);
}

static void lapic_clock_start(void)
{
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | 0x40);
    apic_write(APIC_TIMER_DIV, APIC_TIMER_DIV_1);
    apic_write(APIC_TIMER_INIT, 0xFFFFFFFFu);
}

/* |got - want| <= tol */
static bool near(uint64_t got, uint64_t want, uint64_t tol)
{
    return got + tol >= want && got <= want + tol;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_pc_devices");
    x86_init(bi, true);
    x86_pt_map(IOAPIC_BASE, IOAPIC_BASE, X86_PTE_P | X86_PTE_W | X86_PTE_PCD);
    apic_enable();
    trap_register(VEC_PIT, pit_handler);
    trap_register(VEC_RTC, rtc_handler);
    trap_register(VEC_PIC0, pic0_handler);

    gprintf("check: the RTC reads the pinned wall clock, 2023-11-14 22:13:20 UTC (BCD)\n");
    while (cmos(0x0A) & 0x80)
        ;
    EXPECT_EQ(cmos(0x09), 0x23);
    EXPECT_EQ(cmos(0x08), 0x11);
    EXPECT_EQ(cmos(0x07), 0x14);
    EXPECT_EQ(cmos(0x04), 0x22);
    EXPECT_EQ(cmos(0x02), 0x13);
    EXPECT_EQ(cmos(0x00), 0x20);
    EXPECT_EQ(cmos(0x0D), 0x80);

    gprintf("check: PIT channel 2, mode 0, 1193 clocks (1 ms): OUT in port 0x61 rises on time\n");
    lapic_clock_start();
    x86_outb(0x61, (uint8_t)((x86_inb(0x61) & ~0x02) | 0x01));
    x86_outb(0x43, 0xB0);
    x86_outb(0x42, 1193 & 0xFF);
    x86_outb(0x42, 1193 >> 8);
    uint32_t t0 = lapic_elapsed();
    unsigned long loops = 0;
    while (!(x86_inb(0x61) & 0x20))
        loops++;
    uint32_t dt = lapic_elapsed() - t0;
    gprintf("  %lu polls, %u APIC ticks (1 ms is %llu)\n", loops, dt, LAPIC_HZ / 1000);
    CHECK(loops > 1000);
    CHECK(near(dt, 99985, 100)); /* 1193 / 1193182 s, in 10 ns ticks */

    gprintf("check: the IOAPIC's version register is 0x00170020\n");
    EXPECT_EQ(ioapic_read(0x01), 0x00170020);

    gprintf("check: PIT channel 0 mode 2 at 1 kHz, IOAPIC pin 2 -> vector 0x30: 20 interrupts "
            "in 20 ms\n");
    ioapic_write(0x10 + 2 * 2 + 1, 0);   /* destination APIC 0 */
    ioapic_write(0x10 + 2 * 2, VEC_PIT); /* fixed, physical, edge, unmasked */
    x86_outb(0x43, 0x34);
    x86_outb(0x40, 1193 & 0xFF);
    x86_outb(0x40, 1193 >> 8);
    t0 = lapic_elapsed();
    x86_sti();
    while (pit_irqs < 20 && lapic_elapsed() - t0 < 40 * 99985) /* bounded: a bug fails, not hangs */
        ;
    dt = lapic_elapsed() - t0;
    x86_cli();
    gprintf("  %u interrupts in %u APIC ticks\n", pit_irqs, dt);
    EXPECT_EQ(pit_irqs, 20);
    CHECK(near(dt, 20 * 99985, 99985));

    gprintf("check: HLT with interrupts on sleeps until the next PIT interrupt (10 times)\n");
    unsigned before = pit_irqs;
    t0 = lapic_elapsed();
    for (unsigned i = 0; i < 10 && before == 20; i++) { /* without interrupts it would sleep on */
        /* STI's shadow covers HLT: the interrupt comes during the halt, not before it. */
        __asm__ volatile("sti\n\thlt\n\tcli" ::: "memory");
    }
    dt = lapic_elapsed() - t0;
    EXPECT_EQ(pit_irqs - before, 10);
    CHECK(near(dt, 10 * 99985, 99985));
    ioapic_write(0x10 + 2 * 2, 0x10000 | VEC_PIT); /* mask it again */

    gprintf("check: the 8259 sees IRQ 0 too: IRR bit 0, and a poll answers 0x80\n");
    x86_outb(0x20, 0x11);
    x86_outb(0x21, 0x20);
    x86_outb(0x21, 0x04);
    x86_outb(0x21, 0x01);
    x86_outb(0x21, 0xFE); /* only IRQ 0 */
    unsigned irrs = 0;
    for (unsigned i = 0; i < 100000 && !(irrs & 1); i++) {
        x86_outb(0x20, 0x0A);
        irrs = x86_inb(0x20);
    }
    EXPECT_EQ(irrs & 1, 1);
    x86_outb(0x20, 0x0C);
    EXPECT_EQ(x86_inb(0x20), 0x80);
    x86_outb(0x20, 0x0B);
    EXPECT_EQ(x86_inb(0x20) & 1, 1); /* in service until the EOI */
    x86_outb(0x20, 0x60);

    gprintf("check: the virtual wire: PIT IRQ 0 through the 8259 and LINT0 in ExtINT mode, "
            "vector 0x20, 10 interrupts in 10 ms, no APIC EOI needed\n");
    apic_write(APIC_LVT_LINT0, 0x700); /* ExtINT, unmasked */
    x86_outb(0x21, 0xFE);              /* only IRQ 0 */
    t0 = lapic_elapsed();
    x86_sti();
    while (pic_irqs < 10 && lapic_elapsed() - t0 < 20 * 99985)
        ;
    dt = lapic_elapsed() - t0;
    x86_cli();
    gprintf("  %u interrupts in %u APIC ticks\n", pic_irqs, dt);
    EXPECT_EQ(pic_irqs, 10);
    CHECK(near(dt, 10 * 99985, 2 * 99985));
    EXPECT_EQ(pit_irqs - before, 10); /* the IOAPIC path stayed masked */
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED | 0x700);
    x86_outb(0x21, 0xFF);
    x86_outb(0x43, 0x30); /* stop channel 0 (mode 0, no count) */

    gprintf("check: the RTC's 1024 Hz periodic interrupt through IOAPIC pin 8: 64 in 62.5 ms\n");
    ioapic_write(0x10 + 2 * 8 + 1, 0);
    ioapic_write(0x10 + 2 * 8, VEC_RTC);
    (void)cmos(0x0C);
    x86_outb(0x70, 0x0A);
    x86_outb(0x71, 0x26);
    x86_outb(0x70, 0x0B);
    x86_outb(0x71, 0x42); /* PIE, 24 h, BCD */
    t0 = lapic_elapsed();
    x86_sti();
    while (rtc_irqs < 64 && lapic_elapsed() - t0 < 2 * 6250000)
        ;
    dt = lapic_elapsed() - t0;
    x86_cli();
    x86_outb(0x70, 0x0B);
    x86_outb(0x71, 0x02);
    gprintf("  %u interrupts in %u APIC ticks\n", rtc_irqs, dt);
    EXPECT_EQ(rtc_irqs, 64);
    CHECK(near(dt, 6250000, 97657)); /* within one period of 976.5625 us */
    test_done();
}
