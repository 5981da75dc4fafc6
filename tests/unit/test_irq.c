/* Unit tests for the interrupt-line router: edge and level, sharing, masking, fan-out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/irq.h"
#include "softkvm/vm.h"

/* A controller input that records what it sees, as a PIC/IOAPIC pin would. */
struct pin_log {
    unsigned pin;
    bool level;
    unsigned rises, falls, calls;
};

static void log_set(struct vm *vm, void *opaque, unsigned pin, bool level)
{
    (void)vm;
    struct pin_log *l = opaque;
    l->pin = pin;
    l->calls++;
    if (level && !l->level)
        l->rises++;
    if (!level && l->level)
        l->falls++;
    l->level = level;
}

static const struct irq_sink_ops log_ops = {"log", log_set};

static struct vm *new_vm(unsigned lines)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    assert_int_equal(irq_router_init(vm, lines), 0);
    return vm;
}

static void free_vm(struct vm *vm)
{
    irq_router_release(vm);
    free(vm);
}

static void test_edge_and_level(void **state)
{
    (void)state;
    struct vm *vm = new_vm(24);
    struct pin_log a = {0};
    assert_int_equal(irq_route_add(vm, 4, &log_ops, &a, 7), 0);
    /* An edge: one rise and one fall, seen at the wired pin. */
    assert_int_equal(vm_irq_pulse(vm, 4), 0);
    assert_int_equal(a.rises, 1);
    assert_int_equal(a.falls, 1);
    assert_int_equal(a.pin, 7);
    /* A level: raised once, held (a second raise is no change), then lowered. */
    assert_int_equal(vm_irq_set(vm, 4, true), 0);
    assert_int_equal(vm_irq_set(vm, 4, true), 0);
    assert_int_equal(a.rises, 2);
    assert_int_equal(a.calls, 3);
    assert_true(vm_irq_level(vm, 4));
    assert_int_equal(vm_irq_set(vm, 4, false), 0);
    assert_false(vm_irq_level(vm, 4));
    assert_int_equal(a.falls, 2);
    /* Another line is not this pin's business. */
    assert_int_equal(vm_irq_pulse(vm, 5), 0);
    assert_int_equal(a.calls, 4);
    assert_int_equal(vm->irq.lines[4].raised, 2);
    assert_int_equal(vm_irq_set(vm, 24, true), -EINVAL);
    assert_int_equal(irq_route_add(vm, 24, &log_ops, &a, 0), -EINVAL);
    free_vm(vm);
}

static void test_sharing(void **state)
{
    (void)state;
    struct vm *vm = new_vm(16);
    struct pin_log a = {0};
    assert_int_equal(irq_route_add(vm, 11, &log_ops, &a, 11), 0);
    int s1 = irq_source_alloc(vm), s2 = irq_source_alloc(vm);
    assert_true(s1 > 0 && s2 > 0 && s1 != s2);
    /* Two devices on one level-triggered line: the line stays up until both let go. */
    assert_int_equal(vm_irq_set_source(vm, 11, (unsigned)s1, true), 0);
    assert_int_equal(vm_irq_set_source(vm, 11, (unsigned)s2, true), 0);
    assert_int_equal(a.rises, 1);
    assert_int_equal(vm_irq_set_source(vm, 11, (unsigned)s1, false), 0);
    assert_true(a.level);
    assert_int_equal(vm_irq_set_source(vm, 11, (unsigned)s2, false), 0);
    assert_false(a.level);
    assert_int_equal(a.rises, 1);
    assert_int_equal(a.falls, 1);
    /* A pulse from one source while another holds the line is no edge (wired OR). */
    assert_int_equal(vm_irq_set_source(vm, 11, (unsigned)s1, true), 0);
    assert_int_equal(vm_irq_pulse(vm, 11), 0);
    assert_int_equal(a.rises, 2);
    assert_int_equal(a.falls, 1);
    assert_int_equal(vm_irq_set_source(vm, 11, IRQ_MAX_SOURCES, true), -EINVAL);
    for (int i = 3; i < IRQ_MAX_SOURCES; i++)
        assert_true(irq_source_alloc(vm) > 0);
    assert_int_equal(irq_source_alloc(vm), -ENOSPC);
    free_vm(vm);
}

static void test_masking_and_fanout(void **state)
{
    (void)state;
    struct vm *vm = new_vm(16);
    struct pin_log pic = {0}, ioapic = {0};
    /* An ISA line feeds both controllers, in wiring order. */
    assert_int_equal(irq_route_add(vm, 8, &log_ops, &pic, 8), 0);
    assert_int_equal(irq_route_add(vm, 8, &log_ops, &ioapic, 8), 0);
    assert_int_equal(vm_irq_mask(vm, 8, true), 0);
    /* Masked: a pulse is lost, a level is held back. */
    assert_int_equal(vm_irq_pulse(vm, 8), 0);
    assert_int_equal(pic.calls + ioapic.calls, 0);
    assert_int_equal(vm_irq_set(vm, 8, true), 0);
    assert_int_equal(pic.calls, 0);
    assert_true(vm_irq_level(vm, 8)); /* the source still drives it */
    /* Unmasked: the held level arrives at both. */
    assert_int_equal(vm_irq_mask(vm, 8, false), 0);
    assert_true(pic.level && ioapic.level);
    assert_int_equal(pic.rises, 1);
    assert_int_equal(ioapic.rises, 1);
    /* Masking an asserted line shows the sinks a low line. */
    assert_int_equal(vm_irq_mask(vm, 8, true), 0);
    assert_false(pic.level || ioapic.level);
    assert_int_equal(vm_irq_mask(vm, 99, true), -EINVAL);
    free_vm(vm);
}

static void test_init_limits(void **state)
{
    (void)state;
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    assert_int_equal(irq_router_init(vm, 0), -EINVAL);
    assert_int_equal(irq_router_init(vm, IRQ_MAX_LINES + 1), -EINVAL);
    assert_int_equal(vm_irq_set(vm, 0, true), -EINVAL); /* no lines yet */
    assert_int_equal(irq_router_init(vm, IRQ_MAX_LINES), 0);
    assert_int_equal(irq_router_init(vm, 4), -EINVAL); /* already sized */
    free_vm(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_and_level),
        cmocka_unit_test(test_sharing),
        cmocka_unit_test(test_masking_and_fanout),
        cmocka_unit_test(test_init_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
