/* Unit tests for the RTC/CMOS: the wall time in BCD, binary and 12 h, UIP timing, periodic
 * rates, update and alarm interrupts with register C, setting the time, the divider, the CMOS
 * memory-size bytes, the NMI mask, reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcdev_vm.h"
#include "softkvm/rtc.h"
#include "softkvm/timer.h"

#define SEC  1000000000ULL
#define WALL 1700000000ULL /* 2023-11-14 22:13:20 UTC, a Tuesday */
#define GIB  (1ULL << 30)
#define MIB  (1ULL << 20)

static struct line_log lines;

static struct vm *rtc_vm(void)
{
    struct vm *vm = pcdev_vm();
    vm->cfg.wallclock = WALL;
    char err[256] = "";
    assert_int_equal(device_create(vm, "mc146818rtc", err, sizeof(err)), 0);
    memset(&lines, 0, sizeof(lines));
    assert_int_equal(irq_route_add(vm, 8, &line_log_ops, &lines, 8), 0);
    return vm;
}

static uint8_t cmos_read(struct vm *vm, uint8_t reg)
{
    outb(vm, 0x70, reg);
    return inb(vm, 0x71);
}

static void cmos_write(struct vm *vm, uint8_t reg, uint8_t val)
{
    outb(vm, 0x70, reg);
    outb(vm, 0x71, val);
}

static void test_time_formats(void **state)
{
    (void)state;
    struct vm *vm = rtc_vm();
    assert_int_equal(cmos_read(vm, 0x0B), 0x02); /* BCD, 24 h */
    assert_int_equal(cmos_read(vm, 0x00), 0x20);
    assert_int_equal(cmos_read(vm, 0x02), 0x13);
    assert_int_equal(cmos_read(vm, 0x04), 0x22);
    assert_int_equal(cmos_read(vm, 0x06), 3); /* Tuesday (Sunday is 1) */
    assert_int_equal(cmos_read(vm, 0x07), 0x14);
    assert_int_equal(cmos_read(vm, 0x08), 0x11);
    assert_int_equal(cmos_read(vm, 0x09), 0x23);
    assert_int_equal(cmos_read(vm, 0x32), 0x20);
    assert_int_equal(cmos_read(vm, 0x0D), 0x80); /* valid RAM and time */
    /* The time advances with the virtual clock. */
    vm->vclock.now = 3661 * SEC + SEC / 2;
    assert_int_equal(cmos_read(vm, 0x00), 0x21);
    assert_int_equal(cmos_read(vm, 0x02), 0x14);
    assert_int_equal(cmos_read(vm, 0x04), 0x23);
    cmos_write(vm, 0x0B, 0x00); /* BCD, 12 h: 11 PM */
    assert_int_equal(cmos_read(vm, 0x04), 0x91);
    cmos_write(vm, 0x0B, 0x04); /* binary, 12 h */
    assert_int_equal(cmos_read(vm, 0x04), 0x8B);
    assert_int_equal(cmos_read(vm, 0x00), 21);
    cmos_write(vm, 0x0B, 0x06); /* binary, 24 h */
    assert_int_equal(cmos_read(vm, 0x04), 23);
    assert_int_equal(cmos_read(vm, 0x09), 23);
    assert_int_equal(cmos_read(vm, 0x32), 20);
    /* Past midnight: the next day, a Wednesday; 1 AM in 12 h BCD is 0x01. */
    vm->vclock.now += 2 * 3600 * SEC;
    assert_int_equal(cmos_read(vm, 0x07), 15);
    assert_int_equal(cmos_read(vm, 0x06), 4);
    cmos_write(vm, 0x0B, 0x00);
    assert_int_equal(cmos_read(vm, 0x04), 0x01);
    pcdev_vm_free(vm);
}

static void test_uip(void **state)
{
    (void)state;
    struct vm *vm = rtc_vm();
    vm->vclock.now = 5 * SEC + SEC - 244141;
    assert_int_equal(cmos_read(vm, 0x0A), 0x26);
    vm->vclock.now = 5 * SEC + SEC - 244140; /* 244 us before the update */
    assert_int_equal(cmos_read(vm, 0x0A), 0xA6);
    assert_int_equal(cmos_read(vm, 0x00), 0x25); /* the old second until the update */
    vm->vclock.now = 6 * SEC - 1;
    assert_int_equal(cmos_read(vm, 0x0A) & 0x80, 0x80);
    vm->vclock.now = 6 * SEC;
    assert_int_equal(cmos_read(vm, 0x0A) & 0x80, 0);
    assert_int_equal(cmos_read(vm, 0x00), 0x26);
    /* Linux's read: wait for UIP clear, read, check the second did not change. */
    vm->vclock.now = 7 * SEC - 100000;
    assert_int_equal(cmos_read(vm, 0x0A) & 0x80, 0x80);
    /* SET inhibits updates: no UIP. */
    cmos_write(vm, 0x0B, 0x82);
    assert_int_equal(cmos_read(vm, 0x0A) & 0x80, 0);
    pcdev_vm_free(vm);
}

/* Run to `until` as the run loop does; a guest handler reads register C on each interrupt. */
static unsigned run_with_handler(struct vm *vm, uint64_t until, uint8_t expect_c)
{
    unsigned handled = 0;
    while (vm->vclock.deadline <= until) {
        vm->vclock.now = vm->vclock.deadline;
        vtimers_run(vm);
        if (lines.level[8]) {
            assert_int_equal(cmos_read(vm, 0x0C) & expect_c, expect_c);
            assert_false(lines.level[8]);
            handled++;
        }
    }
    vm->vclock.now = until;
    return handled;
}

static void test_periodic_rates(void **state)
{
    (void)state;
    struct vm *vm = rtc_vm();
    cmos_write(vm, 0x0B, 0x42); /* PIE at the default 1024 Hz */
    assert_int_equal(run_with_handler(vm, SEC, 0xC0), 1024);
    assert_int_equal(lines.rises[8], 1024);
    assert_int_equal(cmos_read(vm, 0x0C), 0x00); /* cleared by the read */
    cmos_write(vm, 0x0A, 0x2F);                  /* 2 Hz */
    assert_int_equal(run_with_handler(vm, 2 * SEC, 0xC0), 2);
    cmos_write(vm, 0x0A, 0x23); /* 8192 Hz */
    assert_int_equal(run_with_handler(vm, 3 * SEC, 0xC0), 8192);
    cmos_write(vm, 0x0A, 0x21); /* rate 1 is 256 Hz */
    assert_int_equal(run_with_handler(vm, 4 * SEC, 0xC0), 256);
    /* No read of C: the line stays high, one edge only (the PIC sees one interrupt). */
    unsigned rises = lines.rises[8];
    cmos_write(vm, 0x0A, 0x26);
    vm->vclock.now = 5 * SEC;
    vtimers_run(vm);
    vm->vclock.now = 5 * SEC + SEC / 100;
    vtimers_run(vm);
    assert_int_equal(lines.rises[8], rises + 1);
    assert_true(lines.level[8]);
    /* PF is set without PIE too, with no interrupt. */
    cmos_write(vm, 0x0B, 0x02);
    assert_false(lines.level[8]); /* IRQF follows the enables */
    cmos_read(vm, 0x0C);
    assert_int_equal(vm->vclock.deadline, UINT64_MAX);
    vm->vclock.now += SEC / 100;
    assert_int_equal(cmos_read(vm, 0x0C), 0x40);
    cmos_write(vm, 0x0A, 0x20); /* rate 0: no periodic flag */
    vm->vclock.now += SEC / 100;
    assert_int_equal(cmos_read(vm, 0x0C), 0x00);
    pcdev_vm_free(vm);
}

static void test_update_and_alarm(void **state)
{
    (void)state;
    struct vm *vm = rtc_vm();
    cmos_write(vm, 0x0A, 0x20); /* no periodic flag */
    cmos_write(vm, 0x0B, 0x12); /* UIE */
    assert_int_equal(vm->vclock.deadline, SEC);
    assert_int_equal(run_with_handler(vm, 10 * SEC + 1, 0x90), 10);
    /* Alarm at 22:13:45 (BCD) with AIE only: one interrupt, at that second. */
    cmos_write(vm, 0x01, 0x45);
    cmos_write(vm, 0x03, 0x13);
    cmos_write(vm, 0x05, 0x22);
    cmos_write(vm, 0x0B, 0x22);
    unsigned handled = 0;
    uint64_t at = 0;
    while (vm->vclock.deadline <= 60 * SEC) {
        vm->vclock.now = vm->vclock.deadline;
        vtimers_run(vm);
        if (lines.level[8]) {
            assert_int_equal(cmos_read(vm, 0x0C), 0x80 | 0x20 | 0x10);
            at = vm->vclock.now;
            handled++;
        }
    }
    assert_int_equal(handled, 1);
    assert_int_equal(at, 25 * SEC);
    /* Don't-care hours and minutes: every minute at :30. */
    cmos_write(vm, 0x01, 0x30);
    cmos_write(vm, 0x03, 0xC0);
    cmos_write(vm, 0x05, 0xFF);
    vm->vclock.now = 60 * SEC;
    cmos_read(vm, 0x0C);
    assert_int_equal(run_with_handler(vm, 60 * SEC + 180 * SEC, 0xA0), 3);
    /* Without AIE the flag is still set, found when C is read. */
    cmos_write(vm, 0x0B, 0x02);
    vm->vclock.now += 120 * SEC;
    assert_int_equal(cmos_read(vm, 0x0C), 0x30);
    pcdev_vm_free(vm);
}

static void test_set_time_and_divider(void **state)
{
    (void)state;
    struct vm *vm = rtc_vm();
    vm->vclock.now = 123 * SEC + 456;
    /* Linux's set: SET, write the fields (BCD), clear SET. */
    cmos_write(vm, 0x0B, 0x82);
    uint8_t frozen = cmos_read(vm, 0x00);
    vm->vclock.now += 5 * SEC;
    assert_int_equal(cmos_read(vm, 0x00), frozen); /* no updates while SET */
    const uint8_t t[][2] = {{0x00, 0x58}, {0x02, 0x59}, {0x04, 0x23}, {0x07, 0x29},
                            {0x08, 0x02}, {0x09, 0x24}, {0x32, 0x20}};
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        cmos_write(vm, t[i][0], t[i][1]);
    cmos_write(vm, 0x0B, 0x02);
    assert_int_equal(cmos_read(vm, 0x00), 0x58);
    vm->vclock.now += SEC - 1;
    assert_int_equal(cmos_read(vm, 0x00), 0x58);
    vm->vclock.now += 2; /* a second after SET cleared: leap day ends */
    assert_int_equal(cmos_read(vm, 0x00), 0x59);
    vm->vclock.now += SEC;
    assert_int_equal(cmos_read(vm, 0x07), 0x01);
    assert_int_equal(cmos_read(vm, 0x08), 0x03);
    assert_int_equal(cmos_read(vm, 0x06), 6); /* 2024-03-01 was a Friday */
    /* A write while running sets that field of the running time. */
    cmos_write(vm, 0x09, 0x25);
    assert_int_equal(cmos_read(vm, 0x09), 0x25);
    assert_int_equal(cmos_read(vm, 0x08), 0x03);
    /* The divider held (A = 0x70) stops time; out of it, the first update is 500 ms later. */
    uint8_t sec = cmos_read(vm, 0x00);
    cmos_write(vm, 0x0A, 0x70);
    vm->vclock.now += 10 * SEC;
    assert_int_equal(cmos_read(vm, 0x00), sec);
    assert_int_equal(cmos_read(vm, 0x0A), 0x70);
    cmos_write(vm, 0x0A, 0x26);
    vm->vclock.now += SEC / 2 - 1;
    assert_int_equal(cmos_read(vm, 0x00), sec);
    vm->vclock.now += 1;
    assert_int_equal(cmos_read(vm, 0x00), sec + 1);
    /* Nonsense (a hostile guest): clamped, never past 2199. */
    cmos_write(vm, 0x0B, 0x86);
    cmos_write(vm, 0x32, 0xFF);
    cmos_write(vm, 0x08, 0xFF);
    cmos_write(vm, 0x04, 0xFF);
    cmos_write(vm, 0x0B, 0x06);
    assert_int_equal(cmos_read(vm, 0x32), 21);
    assert_int_equal(cmos_read(vm, 0x09), 99);
    pcdev_vm_free(vm);
}

static void test_cmos_memory_nmi_reset(void **state)
{
    (void)state;
    struct vm *vm = pcdev_vm();
    vm->ncpus = 4;
    vm->cfg.wallclock = WALL;
    /* 5 GiB as the x86 board lays it out: 3 GiB low (with a firmware region), 2 GiB above 4. */
    assert_int_equal(region_add(&vm->regions, "ram-low", REGION_RAM, 0, MIB), 0);
    assert_int_equal(region_add(&vm->regions, "fw", REGION_FIRMWARE, MIB, MIB), 0);
    assert_int_equal(region_add(&vm->regions, "ram", REGION_RAM, 2 * MIB, 3 * GIB - 2 * MIB), 0);
    assert_int_equal(region_add(&vm->regions, "ram-high", REGION_RAM, 4 * GIB, 2 * GIB), 0);
    assert_int_equal(region_add(&vm->regions, "ioapic", REGION_MMIO, 0xFEC00000, 4096), 0);
    char err[256] = "";
    assert_int_equal(device_create(vm, "mc146818rtc", err, sizeof(err)), 0);
    assert_int_equal(cmos_read(vm, 0x15) | cmos_read(vm, 0x16) << 8, 640);
    assert_int_equal(cmos_read(vm, 0x17) | cmos_read(vm, 0x18) << 8, 65535); /* capped */
    assert_int_equal(cmos_read(vm, 0x30) | cmos_read(vm, 0x31) << 8, 65535);
    assert_int_equal(cmos_read(vm, 0x34) | cmos_read(vm, 0x35) << 8, (3 * GIB - 16 * MIB) >> 16);
    assert_int_equal(cmos_read(vm, 0x5B) | cmos_read(vm, 0x5C) << 8 | cmos_read(vm, 0x5D) << 16,
                     (2 * GIB) >> 16);
    assert_int_equal(cmos_read(vm, 0x5F), 3);
    pcdev_vm_free(vm);
    /* 32 MiB: extended memory in KiB, 16 MiB above 16 MiB. */
    vm = pcdev_vm();
    assert_int_equal(region_add(&vm->regions, "ram", REGION_RAM, 0, 32 * MIB), 0);
    assert_int_equal(device_create(vm, "mc146818rtc", err, sizeof(err)), 0);
    assert_int_equal(cmos_read(vm, 0x17) | cmos_read(vm, 0x18) << 8, 31 * 1024);
    assert_int_equal(cmos_read(vm, 0x34) | cmos_read(vm, 0x35) << 8, 256);
    assert_int_equal(cmos_read(vm, 0x5B), 0);
    assert_int_equal(cmos_read(vm, 0x5F), 0);
    /* CMOS RAM keeps what is written; bit 7 of the index is the NMI mask. */
    assert_false(rtc_nmi_disabled(vm));
    outb(vm, 0x70, 0x80 | 0x40);
    assert_true(rtc_nmi_disabled(vm));
    outb(vm, 0x71, 0x5A);
    assert_int_equal(cmos_read(vm, 0x40), 0x5A);
    assert_false(rtc_nmi_disabled(vm));
    assert_int_equal(inb(vm, 0x70), 0xFF); /* the index port is write-only */
    /* Reset: enables and flags cleared, the line low; time and RAM stay. */
    memset(&lines, 0, sizeof(lines));
    assert_int_equal(irq_route_add(vm, 8, &line_log_ops, &lines, 8), 0);
    cmos_write(vm, 0x0B, 0x72);
    vm->vclock.now = SEC;
    vtimers_run(vm);
    assert_true(lines.level[8]);
    outb(vm, 0x70, 0x80);
    vm_reset_devices(vm);
    assert_false(lines.level[8]);
    assert_false(rtc_nmi_disabled(vm));
    assert_int_equal(cmos_read(vm, 0x0B), 0x02);
    assert_int_equal(cmos_read(vm, 0x0C), 0x00);
    assert_int_equal(cmos_read(vm, 0x40), 0x5A);
    assert_int_equal(vm->vclock.deadline, UINT64_MAX);
    assert_int_equal(device_create(vm, "mc146818rtc", err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "mc146818rtc: ports 0x70-0x71 are taken");
    assert_int_equal(device_create(vm, "mc146818rtc,iobase=0x72,irq=24", err, sizeof(err)),
                     -EINVAL);
    pcdev_vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_formats),         cmocka_unit_test(test_uip),
        cmocka_unit_test(test_periodic_rates),       cmocka_unit_test(test_update_and_alarm),
        cmocka_unit_test(test_set_time_and_divider), cmocka_unit_test(test_cmos_memory_nmi_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
