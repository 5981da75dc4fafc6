/* Unit tests for the 8254 PIT: periodic rates of modes 2 and 3 on the virtual clock, Linux's
 * channel 2 TSC calibration (mode 0, gate and OUT in port 0x61), latch and read-back, access
 * modes, BCD, the gate-triggered modes, reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcdev_vm.h"
#include "softkvm/timer.h"

#define HZ 1193182ULL

/* The first virtual ns at which t input clocks have elapsed (t / HZ s, rounded up). */
static uint64_t tick_ns(uint64_t t)
{
    unsigned __int128 ns = (unsigned __int128)t * 1000000000ULL;
    return (uint64_t)((ns + HZ - 1) / HZ);
}

/* Input clocks elapsed at virtual ns (rounded down). */
static uint64_t ns_to_ticks_test(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * HZ / 1000000000ULL);
}

static struct line_log lines;

static struct vm *pit_vm(void)
{
    struct vm *vm = pcdev_vm();
    char err[256] = "";
    assert_int_equal(device_create(vm, "isa-pit", err, sizeof(err)), 0);
    memset(&lines, 0, sizeof(lines));
    assert_int_equal(irq_route_add(vm, 2, &line_log_ops, &lines, 2), 0);
    return vm;
}

/* Run the virtual clock to `until`, firing timers at their deadlines as the run loop does. */
static void run_until(struct vm *vm, uint64_t until)
{
    while (vm->vclock.deadline <= until) {
        vm->vclock.now = vm->vclock.deadline;
        assert_true(vtimers_run(vm) >= 1);
    }
    vm->vclock.now = until;
}

static uint16_t read_latched(struct vm *vm, unsigned ch)
{
    outb(vm, 0x43, (uint8_t)(ch << 6)); /* counter latch */
    uint8_t lo = inb(vm, (uint16_t)(0x40 + ch));
    return (uint16_t)(lo | inb(vm, (uint16_t)(0x40 + ch)) << 8);
}

static void test_mode2_linux_hz(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    /* Linux's setup of the PIT clockevent (HZ = 1000): mode 2, LATCH = 1193. */
    outb(vm, 0x43, 0x34);
    outb(vm, 0x40, 1193 & 0xFF);
    outb(vm, 0x40, 1193 >> 8);
    assert_int_equal(vm->vclock.deadline, tick_ns(1193)); /* 999848 ns */
    assert_int_equal(tick_ns(1193), 999848);
    run_until(vm, 1000000000ULL);
    assert_int_equal(lines.rises[2], 1000); /* 1193182 clocks / 1193 */
    assert_false(lines.level[2]);           /* pulses: the line is low between them */
    /* The counter reads count - (elapsed mod count). */
    vm->vclock.now = tick_ns(1193 * 1001 + 100);
    assert_int_equal(read_latched(vm, 0), 1193 - 100);
    /* A late clock gives one pulse, not the backlog, and the next deadline is ahead. */
    unsigned before = lines.rises[2];
    vm->vclock.now = tick_ns(1193 * 1020 + 5);
    assert_int_equal(vtimers_run(vm), 1);
    assert_int_equal(lines.rises[2], before + 1);
    assert_int_equal(vm->vclock.deadline, tick_ns(1193 * 1021));
    pcdev_vm_free(vm);
}

static void test_mode3_square_wave(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    outb(vm, 0x43, 0x36); /* channel 0, lo/hi, mode 3: 100 Hz */
    outb(vm, 0x40, 11932 & 0xFF);
    outb(vm, 0x40, 11932 >> 8);
    run_until(vm, 1000000000ULL);
    assert_int_equal(lines.rises[2], HZ / 11932); /* 99: the 100th edge is 18 clocks later */
    run_until(vm, tick_ns(11932 * 100));
    assert_int_equal(lines.rises[2], 100);
    /* It counts down by two; OUT (status bit 7) is high the first half of the period. */
    vm->vclock.now = tick_ns(11932 * 100 + 1000);
    assert_int_equal(read_latched(vm, 0), 11932 - 2000);
    outb(vm, 0x43, 0xE2); /* read-back: status of channel 0 */
    assert_int_equal(inb(vm, 0x40), 0x80 | 0x30 | 0x06);
    vm->vclock.now = tick_ns(11932 * 100 + 11932 / 2 + 1);
    outb(vm, 0x43, 0xE2);
    assert_int_equal(inb(vm, 0x40), 0x36);
    pcdev_vm_free(vm);
}

static void test_linux_tsc_calibration(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    vm->vclock.now = 5000; /* any time: the count starts at the write */
    /* pit_calibrate_tsc: gate high, speaker off; channel 2 mode 0, 50 ms. */
    outb(vm, 0x61, (uint8_t)((inb(vm, 0x61) & ~0x02) | 0x01));
    outb(vm, 0x43, 0xB0);
    outb(vm, 0x42, 59659 & 0xFF);
    outb(vm, 0x42, 59659 >> 8);
    uint64_t t0 = ns_to_ticks_test(5000);
    assert_int_equal(inb(vm, 0x61) & 0x20, 0);
    vm->vclock.now = tick_ns(t0 + 59659) - 1;
    assert_int_equal(inb(vm, 0x61) & 0x20, 0);
    vm->vclock.now = tick_ns(t0 + 59659);
    assert_int_equal(inb(vm, 0x61) & 0x21, 0x21); /* OUT high at terminal count, gate on */
    assert_int_equal(lines.rises[2], 0);          /* channel 2 has no interrupt */
    /* quick_pit_calibrate reads the count's LSB then MSB straight from the port. */
    outb(vm, 0x43, 0xB0);
    outb(vm, 0x42, 0xFF);
    outb(vm, 0x42, 0xFF);
    uint64_t t1 = ns_to_ticks_test(vm->vclock.now);
    vm->vclock.now = tick_ns(t1 + 0x1234);
    uint8_t lo = inb(vm, 0x42), hi = inb(vm, 0x42);
    assert_int_equal(lo | hi << 8, 0xFFFF - 0x1234);
    /* The gate suspends a mode 0 count and resumes it. */
    outb(vm, 0x61, 0x00);
    vm->vclock.now = tick_ns(t1 + 0x9000);
    assert_int_equal(read_latched(vm, 2), 0xFFFF - 0x1234);
    outb(vm, 0x61, 0x01);
    vm->vclock.now = tick_ns(ns_to_ticks_test(vm->vclock.now) + 0x10);
    assert_int_equal(read_latched(vm, 2), 0xFFFF - 0x1244);
    pcdev_vm_free(vm);
}

static void test_latch_readback_access(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    outb(vm, 0x43, 0x70); /* channel 1, lo/hi, mode 0 */
    outb(vm, 0x43, 0xE4); /* read-back status of channel 1: null count before the count */
    assert_int_equal(inb(vm, 0x41), 0x40 | 0x30);
    outb(vm, 0x41, 0x00);
    outb(vm, 0x41, 0x10); /* 0x1000 */
    vm->vclock.now = tick_ns(0x100);
    outb(vm, 0x43, 0x40); /* latch channel 1 */
    vm->vclock.now = tick_ns(0x200);
    outb(vm, 0x43, 0x40); /* a second latch is ignored until the first is read */
    assert_int_equal(inb(vm, 0x41), 0x00);
    vm->vclock.now = tick_ns(0x300);
    assert_int_equal(inb(vm, 0x41), 0x0F); /* 0x0F00: the value of the first latch */
    assert_int_equal(inb(vm, 0x41), 0x00); /* unlatched: the live count, LSB (0x0D00) */
    assert_int_equal(inb(vm, 0x41), 0x0D);
    /* Read-back of count and status together: status first, then the count. */
    outb(vm, 0x43, 0xC4);
    assert_int_equal(inb(vm, 0x41), 0x30);
    assert_int_equal(inb(vm, 0x41), 0x00);
    assert_int_equal(inb(vm, 0x41), 0x0D);
    /* LSB-only and MSB-only access. */
    outb(vm, 0x43, 0x50); /* channel 1, LSB, mode 0 */
    outb(vm, 0x41, 0x80);
    vm->vclock.now += tick_ns(0x10);
    assert_int_equal(inb(vm, 0x41), 0x70);
    assert_int_equal(inb(vm, 0x41), 0x70);
    outb(vm, 0x43, 0x60); /* MSB */
    outb(vm, 0x41, 0x02);
    assert_int_equal(inb(vm, 0x41), 0x02);
    outb(vm, 0x43, 0xE4);
    assert_int_equal(inb(vm, 0x41), 0x20); /* rw MSB, mode 0, OUT low, count loaded */
    assert_int_equal(inb(vm, 0x43), 0xFF); /* the control port reads nothing */
    pcdev_vm_free(vm);
}

static void test_bcd_and_mode0_irq(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    outb(vm, 0x43, 0x31); /* channel 0, lo/hi, mode 0, BCD */
    outb(vm, 0x40, 0x00);
    outb(vm, 0x40, 0x10); /* 1000 decimal */
    vm->vclock.now = tick_ns(1);
    assert_int_equal(read_latched(vm, 0), 0x0999);
    assert_false(lines.level[2]);
    assert_int_equal(vm->vclock.deadline, tick_ns(1000));
    run_until(vm, tick_ns(1000));
    assert_true(lines.level[2]); /* mode 0: OUT, and the line, stay high */
    assert_int_equal(lines.rises[2], 1);
    vm->vclock.now = tick_ns(1003);
    assert_int_equal(read_latched(vm, 0), 0x9997); /* wrapped past zero, in BCD */
    assert_int_equal(vm->vclock.deadline, UINT64_MAX);
    outb(vm, 0x43, 0x30); /* a new control word: OUT low again */
    assert_false(lines.level[2]);
    outb(vm, 0x40, 0x00);
    outb(vm, 0x40, 0x00); /* 0 = 0x10000 */
    vm->vclock.now += tick_ns(1);
    assert_true(read_latched(vm, 0) >= 0xFFFE);
    pcdev_vm_free(vm);
}

static bool out2(struct vm *vm)
{
    return inb(vm, 0x61) & 0x20;
}

static void test_gate_modes(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    /* Mode 1: OUT high until a gate trigger, low for the count, then high. */
    outb(vm, 0x61, 0x00);
    outb(vm, 0x43, 0xB2);
    outb(vm, 0x42, 100);
    outb(vm, 0x42, 0);
    assert_true(out2(vm));
    vm->vclock.now = tick_ns(500);
    assert_true(out2(vm));
    outb(vm, 0x61, 0x01);
    assert_false(out2(vm));
    vm->vclock.now = tick_ns(500 + 99);
    assert_false(out2(vm));
    vm->vclock.now = tick_ns(500 + 100);
    assert_true(out2(vm));
    /* Mode 4: a one-clock low strobe at the end of the count. */
    outb(vm, 0x43, 0xB8);
    outb(vm, 0x42, 50);
    outb(vm, 0x42, 0);
    uint64_t t = ns_to_ticks_test(vm->vclock.now);
    vm->vclock.now = tick_ns(t + 49);
    assert_true(out2(vm));
    vm->vclock.now = tick_ns(t + 50);
    assert_false(out2(vm));
    vm->vclock.now = tick_ns(t + 51);
    assert_true(out2(vm));
    /* Mode 5: the strobe comes a count after a gate trigger. */
    outb(vm, 0x43, 0xBA);
    outb(vm, 0x42, 20);
    outb(vm, 0x42, 0);
    outb(vm, 0x61, 0x00);
    vm->vclock.now += tick_ns(1000);
    outb(vm, 0x61, 0x01);
    t = ns_to_ticks_test(vm->vclock.now);
    vm->vclock.now = tick_ns(t + 20);
    assert_false(out2(vm));
    /* Mode 2 with the gate low: stopped with OUT high, restarted by the rising gate. */
    outb(vm, 0x61, 0x00);
    outb(vm, 0x43, 0xB4);
    outb(vm, 0x42, 10);
    outb(vm, 0x42, 0);
    vm->vclock.now += tick_ns(1000);
    assert_true(out2(vm));
    assert_int_equal(read_latched(vm, 2), 10);
    outb(vm, 0x61, 0x01);
    t = ns_to_ticks_test(vm->vclock.now);
    vm->vclock.now = tick_ns(t + 9);
    assert_false(out2(vm)); /* count 1: the low clock */
    assert_int_equal(read_latched(vm, 2), 1);
    pcdev_vm_free(vm);
}

static void test_port61_reset_errors(void **state)
{
    (void)state;
    struct vm *vm = pit_vm();
    uint8_t a = inb(vm, 0x61), b = inb(vm, 0x61);
    assert_int_equal((a ^ b) & 0x10, 0x10); /* the refresh bit toggles on each read */
    outb(vm, 0x61, 0x03);
    assert_int_equal(inb(vm, 0x61) & 0x03, 0x03);
    outb(vm, 0x43, 0x34);
    outb(vm, 0x40, 0x00);
    outb(vm, 0x40, 0x10);
    assert_int_not_equal(vm->vclock.deadline, UINT64_MAX);
    vm_reset_devices(vm);
    assert_int_equal(vm->vclock.deadline, UINT64_MAX); /* nothing counts until programmed */
    assert_int_equal(inb(vm, 0x61) & 0x23, 0x00);
    char err[256] = "";
    assert_int_equal(device_create(vm, "isa-pit", err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "isa-pit: ports 0x40-0x43 or 0x61 are taken");
    assert_int_equal(device_create(vm, "isa-pit,iobase=0x48,irq=30", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "isa-pit: irq=30 is not an interrupt line of the machine (it has 24)");
    assert_null(iobus_find(&vm->pio, 0x48));
    pcdev_vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode2_linux_hz),        cmocka_unit_test(test_mode3_square_wave),
        cmocka_unit_test(test_linux_tsc_calibration), cmocka_unit_test(test_latch_readback_access),
        cmocka_unit_test(test_bcd_and_mode0_irq),     cmocka_unit_test(test_gate_modes),
        cmocka_unit_test(test_port61_reset_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
