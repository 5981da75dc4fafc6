/* Unit tests for the 8259A pair: Linux's init sequence, priorities and nesting, EOIs, the
 * cascade, spurious IRQ 7 / 15, ELCR level triggering, poll, auto-EOI, special mask, reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcdev_vm.h"
#include "softkvm/extint.h"

/* The CPU side: INTR transitions. */
static unsigned intr_rises;
static bool intr_level;

static void notify(struct vm *vm, bool level)
{
    (void)vm;
    if (level && !intr_level)
        intr_rises++;
    intr_level = level;
}

static struct vm *pic_vm(void)
{
    struct vm *vm = pcdev_vm();
    char err[256] = "";
    assert_int_equal(device_create(vm, "i8259", err, sizeof(err)), 0);
    intr_rises = 0;
    intr_level = false;
    vm_extint_listen(vm, notify);
    return vm;
}

/* Linux's init_8259A (x86-64: vectors 0x30-0x3F), then its masks: all but the cascade masked. */
static void linux_init(struct vm *vm, bool auto_eoi)
{
    outb(vm, 0x21, 0xFF);
    outb(vm, 0xA1, 0xFF);
    outb(vm, 0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
    outb(vm, 0x21, 0x30); /* ICW2: vectors 0x30-0x37 */
    outb(vm, 0x21, 0x04); /* ICW3: slave on IRQ 2 */
    outb(vm, 0x21, auto_eoi ? 0x03 : 0x01);
    outb(vm, 0xA0, 0x11);
    outb(vm, 0xA1, 0x38);
    outb(vm, 0xA1, 0x02); /* ICW3: slave ID 2 */
    outb(vm, 0xA1, 0x01);
    outb(vm, 0x21, 0xFB);
    outb(vm, 0xA1, 0xFF);
}

static uint8_t read_isr(struct vm *vm, uint16_t port)
{
    outb(vm, port, 0x0B); /* OCW3: read ISR */
    return inb(vm, port);
}

static uint8_t read_irr(struct vm *vm, uint16_t port)
{
    outb(vm, port, 0x0A);
    return inb(vm, port);
}

static void test_linux_init_and_irq0(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    assert_int_equal(inb(vm, 0x21), 0xFB);
    assert_int_equal(inb(vm, 0xA1), 0xFF);
    /* IRQ 0 comes from GSI 2 (the PC's override); masked, it only shows in the IRR. */
    vm_irq_set(vm, 2, true);
    assert_false(vm_extint_pending(vm));
    assert_int_equal(read_irr(vm, 0x20), 0x01);
    outb(vm, 0x21, 0xFA); /* unmask IRQ 0 */
    assert_true(vm_extint_pending(vm));
    assert_int_equal(intr_rises, 1);
    assert_int_equal(vm_extint_ack(vm), 0x30);
    assert_false(intr_level); /* in service: INTR drops */
    assert_int_equal(read_isr(vm, 0x20), 0x01);
    assert_int_equal(read_irr(vm, 0x20), 0x00); /* an edge request is cleared by INTA */
    /* The line is still high: no new edge, no new request after the EOI. */
    outb(vm, 0x20, 0x20); /* non-specific EOI */
    assert_int_equal(read_isr(vm, 0x20), 0x00);
    assert_false(vm_extint_pending(vm));
    vm_irq_set(vm, 2, false);
    vm_irq_set(vm, 2, true);
    assert_int_equal(vm_extint_ack(vm), 0x30);
    outb(vm, 0x20, 0x60); /* specific EOI, IRQ 0 */
    assert_int_equal(read_isr(vm, 0x20), 0x00);
    /* GSI 0 is not ISA IRQ 0 here. */
    vm_irq_set(vm, 2, false);
    vm_irq_set(vm, 0, true);
    assert_false(vm_extint_pending(vm));
    pcdev_vm_free(vm);
}

static void test_priority_nesting(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    outb(vm, 0x21, 0x00);
    vm_irq_set(vm, 3, true);
    vm_irq_set(vm, 1, true);
    assert_int_equal(vm_extint_ack(vm), 0x31); /* IRQ 1 beats IRQ 3 */
    assert_false(vm_extint_pending(vm));       /* 3 waits for 1's EOI */
    vm_irq_set(vm, 2, true);                   /* IRQ 0 nests over 1 */
    assert_true(vm_extint_pending(vm));
    assert_int_equal(vm_extint_ack(vm), 0x30);
    assert_int_equal(read_isr(vm, 0x20), 0x03);
    outb(vm, 0x20, 0x20); /* EOI ends IRQ 0 (the highest in service) */
    assert_int_equal(read_isr(vm, 0x20), 0x02);
    assert_false(vm_extint_pending(vm));
    outb(vm, 0x20, 0x20);
    assert_int_equal(vm_extint_ack(vm), 0x33);
    outb(vm, 0x20, 0x63);
    /* Rotation: set priority makes IRQ 4 the lowest, so 5 beats 1. */
    vm_irq_set(vm, 1, false);
    vm_irq_set(vm, 1, true);
    vm_irq_set(vm, 5, true);
    outb(vm, 0x20, 0xC4); /* OCW2: set priority, IRQ 4 lowest */
    assert_int_equal(vm_extint_ack(vm), 0x35);
    outb(vm, 0x20, 0xA0); /* rotate on non-specific EOI: 5 becomes the lowest */
    assert_int_equal(read_isr(vm, 0x20), 0x00);
    assert_int_equal(vm_extint_ack(vm), 0x31);
    pcdev_vm_free(vm);
}

static void test_cascade(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    outb(vm, 0xA1, 0xFE); /* unmask IRQ 8 (the RTC) */
    vm_irq_set(vm, 8, true);
    assert_true(vm_extint_pending(vm));
    assert_int_equal(read_irr(vm, 0x20), 0x04); /* the slave's request at master input 2 */
    assert_int_equal(vm_extint_ack(vm), 0x38);
    assert_int_equal(read_isr(vm, 0x20), 0x04);
    assert_int_equal(read_isr(vm, 0xA0), 0x01);
    /* Linux's EOI of a slave IRQ: the slave (specific), then the master's cascade. */
    outb(vm, 0xA0, 0x60);
    outb(vm, 0x20, 0x62);
    assert_int_equal(read_isr(vm, 0x20), 0x00);
    assert_int_equal(read_isr(vm, 0xA0), 0x00);
    /* Two slave requests: the second comes through after the first's EOI. */
    outb(vm, 0xA1, 0xF0);
    vm_irq_set(vm, 8, false);
    vm_irq_set(vm, 11, true);
    vm_irq_set(vm, 9, true);
    assert_int_equal(vm_extint_ack(vm), 0x39);
    assert_false(vm_extint_pending(vm));
    outb(vm, 0xA0, 0x20);
    outb(vm, 0x20, 0x20);
    assert_true(vm_extint_pending(vm));
    assert_int_equal(vm_extint_ack(vm), 0x3B);
    pcdev_vm_free(vm);
}

static void test_spurious(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    outb(vm, 0x21, 0x00);
    /* A level-triggered request (ELCR) that goes away before INTA: spurious IRQ 7. */
    outb(vm, 0x4D0, 0xFF);
    assert_int_equal(inb(vm, 0x4D0), 0xF8); /* IRQ 0-2 cannot be level-triggered */
    vm_irq_set(vm, 5, true);
    assert_true(vm_extint_pending(vm));
    vm_irq_set(vm, 5, false);
    assert_false(vm_extint_pending(vm));
    assert_int_equal(vm_extint_ack(vm), 0x37);
    assert_int_equal(read_isr(vm, 0x20), 0x00); /* Linux's check: no ISR bit 7, so spurious */
    /* A level request stays in the IRR through INTA while the line is high. */
    vm_irq_set(vm, 5, true);
    assert_int_equal(vm_extint_ack(vm), 0x35);
    assert_int_equal(read_irr(vm, 0x20), 0x20);
    outb(vm, 0x20, 0x20);
    assert_true(vm_extint_pending(vm)); /* still high: requested again */
    vm_irq_set(vm, 5, false);
    assert_false(vm_extint_pending(vm));
    /* Through the cascade: a slave edge masked before INTA gives IRQ 15, with master ISR 2. */
    outb(vm, 0xA1, 0x00);
    vm_irq_set(vm, 9, true);
    outb(vm, 0xA1, 0x02);
    assert_int_equal(vm_extint_ack(vm), 0x3F);
    assert_int_equal(read_isr(vm, 0xA0), 0x00);
    assert_int_equal(read_isr(vm, 0x20), 0x04);
    assert_int_equal(inb(vm, 0x4D1), 0x00);
    outb(vm, 0x4D1, 0xFF);
    assert_int_equal(inb(vm, 0x4D1), 0xDE);
    pcdev_vm_free(vm);
}

static void test_poll_aeoi_special_mask(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    outb(vm, 0x21, 0x00);
    /* Poll: 0x80 | level, acknowledged as by INTA; 0 with nothing pending. */
    vm_irq_set(vm, 4, true);
    outb(vm, 0x20, 0x0C);
    assert_int_equal(inb(vm, 0x20), 0x84);
    assert_int_equal(read_isr(vm, 0x20), 0x10);
    outb(vm, 0x20, 0x20);
    outb(vm, 0x20, 0x0C);
    assert_int_equal(inb(vm, 0x20), 0x00);
    /* The read after a poll reads the register selected before (the IRR), not poll again. */
    assert_int_equal(inb(vm, 0x20), 0x00);
    /* Special mask mode: an in-service level masked in the IMR lets lower ones through. */
    vm_irq_set(vm, 1, true);
    assert_int_equal(vm_extint_ack(vm), 0x31);
    vm_irq_set(vm, 6, true);
    assert_false(vm_extint_pending(vm));
    outb(vm, 0x21, 0x02);
    outb(vm, 0x20, 0x68); /* OCW3: set special mask */
    assert_true(vm_extint_pending(vm));
    assert_int_equal(vm_extint_ack(vm), 0x36);
    outb(vm, 0x20, 0x48); /* reset special mask */
    outb(vm, 0x20, 0x66);
    outb(vm, 0x20, 0x61);
    /* Auto-EOI: nothing stays in service. */
    linux_init(vm, true);
    outb(vm, 0x21, 0x00);
    vm_irq_set(vm, 3, false);
    vm_irq_set(vm, 3, true);
    assert_int_equal(vm_extint_ack(vm), 0x33);
    assert_int_equal(read_isr(vm, 0x20), 0x00);
    pcdev_vm_free(vm);
}

static void test_reset_and_errors(void **state)
{
    (void)state;
    struct vm *vm = pic_vm();
    linux_init(vm, false);
    outb(vm, 0x4D0, 0x20);
    outb(vm, 0x21, 0x00);
    vm_irq_set(vm, 4, true);
    assert_true(intr_level);
    vm_reset_devices(vm);
    assert_false(intr_level); /* the power-on state: nothing requested, ELCR clear */
    assert_false(vm_extint_pending(vm));
    assert_int_equal(inb(vm, 0x4D0), 0x00);
    assert_int_equal(inb(vm, 0x21), 0x00);
    char err[256] = "";
    assert_int_equal(
        device_create(vm, "i8259,iobase=0x30,iobase_slave=0xb0,elcr=0x4e0", err, sizeof(err)),
        -EEXIST);
    assert_string_equal(err, "i8259: the VM has an 8259 already");
    assert_null(iobus_find(&vm->pio, 0x30)); /* nothing half-made is left */
    assert_int_equal(device_create(vm, "i8259", err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, "taken"));
    pcdev_vm_free(vm);
    /* Without the lines it is wired to. */
    struct vm *bare = calloc(1, sizeof(*bare));
    assert_non_null(bare);
    bare->arch = &x86_64_arch_ops;
    assert_int_equal(device_create(bare, "i8259", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "i8259 needs interrupt lines 0-15 (the machine has 0)");
    assert_int_equal(bare->pio.n, 0);
    free(bare);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_init_and_irq0),
        cmocka_unit_test(test_priority_nesting),
        cmocka_unit_test(test_cascade),
        cmocka_unit_test(test_spurious),
        cmocka_unit_test(test_poll_aeoi_special_mask),
        cmocka_unit_test(test_reset_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
