/* Unit tests for the IOAPIC: its registers, edge and level delivery with remote IRR and the EOI
 * broadcast / EOI register, destinations and delivery modes, seen through a fake irqchip. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcdev_vm.h"
#include "softkvm/ioapic.h"
#include "softkvm/irqchip.h"

#define BASE  0xFEC00000ULL
#define NCPUS 4

/* What the fake local APICs received. */
struct msg {
    unsigned cpu, mode, vector;
    bool level, trig_level;
};
static struct msg got[64];
static unsigned ngot;
static bool refuse[NCPUS]; /* this APIC does not accept (as a software-disabled one) */

static struct vcpu *fake_find(struct vm *vm, uint32_t id)
{
    return id < vm->ncpus ? &vm->vcpus[id] : NULL;
}

static uint32_t fake_max_id(struct vm *vm)
{
    return vm->ncpus - 1;
}

static bool fake_deliver(struct vcpu *t, enum irq_mode mode, uint8_t vector, bool level,
                         bool trig_level)
{
    if (refuse[t->id])
        return false;
    assert_true(ngot < 64);
    got[ngot++] = (struct msg){t->id, (unsigned)mode, vector, level, trig_level};
    return true;
}

static const struct irqchip_ops fake_chip = {fake_find, fake_max_id, fake_deliver};

static struct vm *ioapic_vm(void)
{
    struct vm *vm = pcdev_vm();
    vm->ncpus = NCPUS;
    vm->vcpus = calloc(NCPUS, sizeof(*vm->vcpus));
    assert_non_null(vm->vcpus);
    for (unsigned i = 0; i < NCPUS; i++) {
        vm->vcpus[i].vm = vm;
        vm->vcpus[i].id = i;
    }
    vm->irqchip = &fake_chip;
    char err[256] = "";
    assert_int_equal(device_create(vm, "ioapic", err, sizeof(err)), 0);
    ngot = 0;
    memset(refuse, 0, sizeof(refuse));
    return vm;
}

static void free_ioapic_vm(struct vm *vm)
{
    free(vm->vcpus);
    pcdev_vm_free(vm);
}

static void mmio_write(struct vm *vm, uint64_t off, uint32_t val)
{
    const struct io_region *r = iobus_find(&vm->mmio, BASE + off);
    assert_non_null(r);
    r->ops->write(vm, r->opaque, BASE + off - r->base, 4, val);
}

static uint32_t mmio_read(struct vm *vm, uint64_t off)
{
    const struct io_region *r = iobus_find(&vm->mmio, BASE + off);
    assert_non_null(r);
    return (uint32_t)r->ops->read(vm, r->opaque, BASE + off - r->base, 4);
}

static uint32_t reg_read(struct vm *vm, uint8_t reg)
{
    mmio_write(vm, 0x00, reg);
    return mmio_read(vm, 0x10);
}

static void reg_write(struct vm *vm, uint8_t reg, uint32_t val)
{
    mmio_write(vm, 0x00, reg);
    mmio_write(vm, 0x10, val);
}

/* Program redirection entry pin (high dword first, as Linux does with the entry masked). */
static void set_rte(struct vm *vm, unsigned pin, uint32_t lo, uint8_t dest)
{
    reg_write(vm, (uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
    reg_write(vm, (uint8_t)(0x10 + 2 * pin), lo);
}

static void test_registers(void **state)
{
    (void)state;
    struct vm *vm = ioapic_vm();
    assert_int_equal(reg_read(vm, 0x01), 0x00170020); /* version 0x20, 24 entries */
    assert_int_equal(reg_read(vm, 0x00), 0);
    reg_write(vm, 0x00, 0x0F000000 | 0xFFFF);
    assert_int_equal(reg_read(vm, 0x00), 0x0F000000);
    assert_int_equal(reg_read(vm, 0x02), 0x0F000000);
    reg_write(vm, 0x01, 0);
    assert_int_equal(reg_read(vm, 0x01), 0x00170020); /* read-only */
    assert_int_equal(mmio_read(vm, 0x00), 0x01);      /* IOREGSEL reads back */
    for (unsigned pin = 0; pin < 24; pin++) {
        assert_int_equal(reg_read(vm, (uint8_t)(0x10 + 2 * pin)), 0x00010000); /* masked */
        assert_int_equal(reg_read(vm, (uint8_t)(0x11 + 2 * pin)), 0);
    }
    assert_int_equal(reg_read(vm, 0x10 + 48), 0xFFFFFFFF); /* past entry 23 */
    /* Delivery status and remote IRR are read-only; bits 17-55 are reserved. */
    reg_write(vm, 0x12, 0xFFFFFFFF);
    assert_int_equal(reg_read(vm, 0x12), 0x0001AFFF);
    reg_write(vm, 0x13, 0xFFFFFFFF);
    assert_int_equal(reg_read(vm, 0x13), 0xFF000000);
    vm_reset_devices(vm);
    assert_int_equal(reg_read(vm, 0x12), 0x00010000);
    assert_int_equal(reg_read(vm, 0x00), 0);
    free_ioapic_vm(vm);
}

static void test_edge(void **state)
{
    (void)state;
    struct vm *vm = ioapic_vm();
    set_rte(vm, 4, 0x24, 1); /* fixed, physical, edge, unmasked: vector 0x24 to APIC 1 */
    vm_irq_set(vm, 4, true);
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].cpu, 1);
    assert_int_equal(got[0].vector, 0x24);
    assert_int_equal(got[0].mode, IRQ_FIXED);
    assert_false(got[0].trig_level);
    vm_irq_set(vm, 4, true); /* no new edge */
    assert_int_equal(ngot, 1);
    vm_irq_pulse(vm, 4);
    vm_irq_set(vm, 4, false);
    vm_irq_pulse(vm, 4);
    assert_int_equal(ngot, 2);
    /* An edge while masked is lost (no delivery on unmask). */
    set_rte(vm, 4, 0x10024, 1);
    vm_irq_pulse(vm, 4);
    vm_irq_set(vm, 4, true);
    set_rte(vm, 4, 0x24, 1);
    assert_int_equal(ngot, 2);
    assert_int_equal(reg_read(vm, 0x18) & (1u << 14), 0); /* edge: no remote IRR */
    free_ioapic_vm(vm);
}

static void test_level_remote_irr(void **state)
{
    (void)state;
    struct vm *vm = ioapic_vm();
    set_rte(vm, 10, 0x803A, 0); /* level, vector 0x3A to APIC 0 */
    vm_irq_set(vm, 10, true);
    assert_int_equal(ngot, 1);
    assert_true(got[0].trig_level);
    assert_true(got[0].level);
    assert_int_equal(reg_read(vm, 0x24), 0x803A | (1u << 14)); /* remote IRR */
    vm_irq_set(vm, 10, false);
    vm_irq_set(vm, 10, true);
    assert_int_equal(ngot, 1); /* in service: nothing more until the EOI */
    ioapic_eoi(vm, 0x3B);      /* another vector */
    assert_int_equal(ngot, 1);
    ioapic_eoi(vm, 0x3A); /* still asserted: delivered again at once */
    assert_int_equal(ngot, 2);
    assert_int_equal(reg_read(vm, 0x24) & (1u << 14), 1u << 14);
    vm_irq_set(vm, 10, false);
    mmio_write(vm, 0x40, 0x3A); /* the EOI register */
    assert_int_equal(ngot, 2);
    assert_int_equal(reg_read(vm, 0x24), 0x803A);
    /* A level line asserted while masked is delivered when unmasked. */
    set_rte(vm, 10, 0x1803A, 0);
    vm_irq_set(vm, 10, true);
    assert_int_equal(ngot, 2);
    set_rte(vm, 10, 0x803A, 0);
    assert_int_equal(ngot, 3);
    /* Switching the entry to edge clears the remote IRR (KVM's rule). */
    set_rte(vm, 10, 0x003A, 0);
    assert_int_equal(reg_read(vm, 0x24), 0x003A);
    /* A refused delivery leaves no remote IRR: the next EOI or edge tries again. */
    vm_irq_set(vm, 10, false);
    refuse[0] = true;
    set_rte(vm, 10, 0x803A, 0);
    vm_irq_set(vm, 10, true);
    assert_int_equal(reg_read(vm, 0x24), 0x803A);
    assert_int_equal(ngot, 3);
    free_ioapic_vm(vm);
}

static void test_destinations_and_modes(void **state)
{
    (void)state;
    struct vm *vm = ioapic_vm();
    set_rte(vm, 1, 0x41, 0xFF); /* physical broadcast */
    vm_irq_pulse(vm, 1);
    assert_int_equal(ngot, NCPUS);
    for (unsigned i = 0; i < NCPUS; i++)
        assert_int_equal(got[i].cpu, i);
    ngot = 0;
    set_rte(vm, 1, 0x842, 0x06); /* logical, flat: APICs 1 and 2 */
    vm_irq_pulse(vm, 1);
    assert_int_equal(ngot, 2);
    assert_int_equal(got[0].cpu, 1);
    assert_int_equal(got[1].cpu, 2);
    ngot = 0;
    set_rte(vm, 1, 0x943, 0x0C); /* lowest priority, logical 2|3: one taker */
    vm_irq_pulse(vm, 1);
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].cpu, 2);
    assert_int_equal(got[0].mode, IRQ_LOWEST);
    refuse[2] = true;
    vm_irq_pulse(vm, 1);
    assert_int_equal(ngot, 2);
    assert_int_equal(got[1].cpu, 3);
    ngot = 0;
    refuse[2] = false;
    set_rte(vm, 1, 0x400, 3); /* NMI */
    vm_irq_pulse(vm, 1);
    set_rte(vm, 1, 0x500, 3); /* INIT */
    vm_irq_pulse(vm, 1);
    set_rte(vm, 1, 0x700, 0); /* ExtINT: the 8259's vector through APIC 0 */
    vm_irq_pulse(vm, 1);
    set_rte(vm, 1, 0x200, 0); /* SMI: reserved here, nothing sent */
    vm_irq_pulse(vm, 1);
    set_rte(vm, 1, 0x44, 9); /* no APIC 9 */
    vm_irq_pulse(vm, 1);
    assert_int_equal(ngot, 3);
    assert_int_equal(got[0].mode, IRQ_NMI);
    assert_int_equal(got[0].cpu, 3);
    assert_int_equal(got[1].mode, IRQ_INIT);
    assert_int_equal(got[2].mode, IRQ_EXTINT);
    assert_int_equal(got[2].cpu, 0);
    /* Pins follow the lines one to one from gsi; no irqchip: nothing, no crash. */
    set_rte(vm, 23, 0x57, 0);
    vm_irq_pulse(vm, 23);
    assert_int_equal(ngot, 4);
    vm->irqchip = NULL;
    vm_irq_pulse(vm, 23);
    assert_int_equal(ngot, 4);
    free_ioapic_vm(vm);
}

static void test_errors(void **state)
{
    (void)state;
    struct vm *vm = ioapic_vm();
    char err[256] = "";
    assert_int_equal(device_create(vm, "ioapic", err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "ioapic: cannot map its page at 0xfec00000 (taken)");
    assert_int_equal(device_create(vm, "ioapic,base=0xfec01000,gsi=1", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "ioapic needs interrupt lines 1-24 (the machine has 24)");
    assert_int_equal(device_create(vm, "ioapic,base=0xfec00800", err, sizeof(err)), -EINVAL);
    assert_int_equal(vm->mmio.n, 1);
    free_ioapic_vm(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registers),        cmocka_unit_test(test_edge),
        cmocka_unit_test(test_level_remote_irr), cmocka_unit_test(test_destinations_and_modes),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
