/* The PC's 8259A interrupt controller pair (master at 0x20, slave at 0xA0 on master IRQ 2) with
 * the ELCR (0x4D0/0x4D1): ICW1-4, OCW1-3, EOIs, priorities, poll, auto-EOI, special mask. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "softkvm/extint.h"
#include "softkvm/irq.h"

#define PIC_CASCADE_IRQ  2
#define ELCR_MASK_MASTER 0xF8 /* IRQ 0, 1, 2 are edge-only on a PC */
#define ELCR_MASK_SLAVE  0xDE /* IRQ 8 and 13 are edge-only */

/* One 8259A. */
struct pic {
    uint8_t irr, isr, imr;
    uint8_t pins;        /* input levels as last seen (edge detection) */
    uint8_t elcr;        /* bit n: input n is level-triggered */
    uint8_t elcr_mask;   /* the ELCR bits that can be set */
    uint8_t vector_base; /* ICW2 & 0xF8 */
    uint8_t top;         /* the IRQ of highest priority (0 unless rotated) */
    uint8_t init_step;   /* 0: operational; 1, 2, 3: ICW2, ICW3, ICW4 expected next */
    bool icw4_needed, single, auto_eoi, rotate_aeoi, sfnm;
    bool read_isr, poll, special_mask;
};

struct i8259 {
    struct pic pic[2]; /* master, slave */
    bool intr;         /* INTR as the CPU last saw it */
    uint64_t iobase, iobase_slave, elcr_port;
    unsigned irq0_gsi;
};

/* The priority of bit n is (n - top) & 7, 0 the highest. Returns the best set bit's, 8: none. */
static unsigned best_priority(const struct pic *p, uint8_t mask)
{
    if (mask == 0)
        return 8;
    unsigned prio = 0;
    while (!(mask & (1u << ((prio + p->top) & 7))))
        prio++;
    return prio;
}

/* The IRQ this chip would raise INTR for now, or -1. */
static int chip_irq(const struct pic *p, bool master)
{
    unsigned prio = best_priority(p, p->irr & ~p->imr);
    if (prio == 8)
        return -1;
    uint8_t busy = p->isr;
    if (p->special_mask)
        busy &= ~p->imr; /* special mask mode: a masked in-service level blocks nothing */
    if (master && p->sfnm)
        busy &= ~(1u << PIC_CASCADE_IRQ); /* fully nested: the slave may nest further */
    if (prio >= best_priority(p, busy))
        return -1;
    return (int)((prio + p->top) & 7);
}

static void pin_set(struct pic *p, unsigned pin, bool level)
{
    uint8_t bit = (uint8_t)(1u << pin);
    if (p->elcr & bit) {
        if (level)
            p->irr |= bit;
        else
            p->irr &= ~bit;
    } else if (level && !(p->pins & bit)) {
        p->irr |= bit; /* edge: latched on 0 -> 1 */
    }
    if (level)
        p->pins |= bit;
    else
        p->pins &= ~bit;
}

/* Propagate the slave's output to master input 2 and the master's to INTR. */
static void update(struct vm *vm, struct i8259 *s)
{
    pin_set(&s->pic[0], PIC_CASCADE_IRQ, chip_irq(&s->pic[1], false) >= 0);
    bool intr = chip_irq(&s->pic[0], true) >= 0;
    if (intr != s->intr) {
        s->intr = intr;
        vm_extint_changed(vm, intr);
    }
}

/* The acknowledge of irq on one chip (INTA or poll). */
static void chip_ack(struct pic *p, int irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (p->auto_eoi) {
        if (p->rotate_aeoi)
            p->top = (uint8_t)((irq + 1) & 7);
    } else {
        p->isr |= bit;
    }
    if (!(p->elcr & bit))
        p->irr &= ~bit; /* a level request stays while the line is high */
}

static int pic_ack(struct vm *vm, void *opaque)
{
    struct i8259 *s = opaque;
    struct pic *m = &s->pic[0], *sl = &s->pic[1];
    int irq = chip_irq(m, true), vector;
    if (irq < 0) {
        vector = m->vector_base | 7; /* the request went away: spurious IRQ 7, no ISR bit */
    } else if (irq == PIC_CASCADE_IRQ && !m->single) {
        chip_ack(m, irq);
        int irq2 = chip_irq(sl, false);
        if (irq2 >= 0)
            chip_ack(sl, irq2);
        else
            irq2 = 7; /* spurious IRQ 15: the master's ISR bit 2 is set all the same */
        vector = sl->vector_base | irq2;
    } else {
        chip_ack(m, irq);
        vector = m->vector_base | irq;
    }
    update(vm, s);
    return vector;
}

static bool pic_pending(struct vm *vm, void *opaque)
{
    return ((struct i8259 *)opaque)->intr;
}

static const struct extint_ops pic_extint = {"i8259", pic_pending, pic_ack};

static void pic_set_irq(struct vm *vm, void *opaque, unsigned pin, bool level)
{
    struct i8259 *s = opaque;
    if (pin >= 16 || pin == PIC_CASCADE_IRQ)
        return;
    pin_set(&s->pic[pin >> 3], pin & 7, level);
    update(vm, s);
}

static const struct irq_sink_ops pic_sink = {"i8259", pic_set_irq};

/* ICW1: start the initialization sequence (what it clears is the datasheet's list). */
static void icw1(struct pic *p, uint8_t val)
{
    uint8_t elcr = p->elcr, elcr_mask = p->elcr_mask, pins = p->pins;
    memset(p, 0, sizeof(*p));
    p->elcr = elcr;
    p->elcr_mask = elcr_mask;
    p->pins = pins; /* the lines keep their level; an edge must come after the init */
    p->icw4_needed = val & 0x01;
    p->single = val & 0x02;
    p->init_step = 1;
}

static void ocw2(struct pic *p, uint8_t val)
{
    unsigned cmd = val >> 5;
    int irq = val & 7;
    switch (cmd) {
    case 0: /* clear / set rotate in auto-EOI mode */
    case 4:
        p->rotate_aeoi = cmd == 4;
        break;
    case 1: /* non-specific EOI: the highest-priority in-service level */
    case 5: /* ... and rotate */
    {
        unsigned prio = best_priority(p, p->isr);
        if (prio == 8)
            break;
        irq = (int)((prio + p->top) & 7);
        p->isr &= ~(1u << irq);
        if (cmd == 5)
            p->top = (uint8_t)((irq + 1) & 7);
        break;
    }
    case 3: /* specific EOI */
    case 7: /* ... and rotate */
        p->isr &= ~(1u << irq);
        if (cmd == 7)
            p->top = (uint8_t)((irq + 1) & 7);
        break;
    case 6: /* set priority: irq becomes the lowest */
        p->top = (uint8_t)((irq + 1) & 7);
        break;
    default: /* 2: no operation */
        break;
    }
}

static void chip_write(struct pic *p, unsigned port, uint8_t val)
{
    if (port == 0) {
        if (val & 0x10) {
            icw1(p, val); /* LTIM (bit 3) is ignored: the ELCR decides, as on a PC */
        } else if (val & 0x08) {
            if (val & 0x04)
                p->poll = true;
            if (val & 0x02)
                p->read_isr = val & 0x01;
            if (val & 0x40)
                p->special_mask = val & 0x20;
        } else {
            ocw2(p, val);
        }
        return;
    }
    switch (p->init_step) {
    case 0:
        p->imr = val; /* OCW1 */
        break;
    case 1:
        p->vector_base = val & 0xF8; /* ICW2 */
        p->init_step = p->single ? (p->icw4_needed ? 3 : 0) : 2;
        break;
    case 2:
        p->init_step = p->icw4_needed ? 3 : 0; /* ICW3: the cascade wiring is fixed here */
        break;
    default:
        p->auto_eoi = val & 0x02; /* ICW4; bit 0 (8086 mode) is assumed */
        p->sfnm = val & 0x10;
        p->init_step = 0;
        break;
    }
}

/* A poll command's read: 0x80 | level if a request is pending (acknowledged as by INTA). */
static uint8_t chip_poll(struct i8259 *s, unsigned chip)
{
    struct pic *p = &s->pic[chip];
    p->poll = false;
    int irq = chip_irq(p, chip == 0);
    if (irq < 0)
        return 0;
    chip_ack(p, irq);
    return (uint8_t)(0x80 | irq);
}

static uint64_t pic_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct i8259 *s = opaque;
    unsigned chip = (unsigned)(off >> 1), port = (unsigned)(off & 1);
    struct pic *p = &s->pic[chip];
    uint8_t val;
    if (p->poll) {
        val = chip_poll(s, chip);
        update(vm, s);
    } else if (port == 0) {
        val = p->read_isr ? p->isr : p->irr;
    } else {
        val = p->imr;
    }
    return val;
}

static void pic_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct i8259 *s = opaque;
    chip_write(&s->pic[off >> 1], (unsigned)(off & 1), (uint8_t)val);
    update(vm, s);
}

/* pic_read/pic_write take off 0-1 for the master, 2-3 for the slave. */
static uint64_t slave_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    return pic_read(vm, opaque, off + 2, size);
}

static void slave_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    pic_write(vm, opaque, off + 2, size, val);
}

static uint64_t elcr_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    return ((struct i8259 *)opaque)->pic[off].elcr;
}

static void elcr_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct i8259 *s = opaque;
    struct pic *p = &s->pic[off];
    p->elcr = (uint8_t)val & p->elcr_mask;
    /* A pin made level-triggered requests exactly while its line is high. */
    p->irr = (uint8_t)((p->irr & ~p->elcr) | (p->pins & p->elcr));
    update(vm, s);
}

static const struct io_ops master_ops = {"i8259-master", pic_read, pic_write};
static const struct io_ops slave_ops = {"i8259-slave", slave_read, slave_write};
static const struct io_ops elcr_ops = {"i8259-elcr", elcr_read, elcr_write};

static void pic_reset(struct vm *vm, void *state)
{
    struct i8259 *s = state;
    for (unsigned c = 0; c < 2; c++) {
        uint8_t pins = s->pic[c].pins;
        memset(&s->pic[c], 0, sizeof(s->pic[c]));
        s->pic[c].pins = pins;
    }
    s->pic[0].elcr_mask = ELCR_MASK_MASTER;
    s->pic[1].elcr_mask = ELCR_MASK_SLAVE;
    update(vm, s);
}

static int pic_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                      size_t errlen)
{
    struct i8259 *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "out of host memory for i8259");
        return -ENOMEM;
    }
    s->iobase = devprop_u64(p, "iobase");
    s->iobase_slave = devprop_u64(p, "iobase_slave");
    s->elcr_port = devprop_u64(p, "elcr");
    s->irq0_gsi = (unsigned)devprop_u64(p, "irq0_gsi");
    s->pic[0].elcr_mask = ELCR_MASK_MASTER;
    s->pic[1].elcr_mask = ELCR_MASK_SLAVE;
    if (vm->irq.nlines < 16 || s->irq0_gsi >= vm->irq.nlines) {
        snprintf(err, errlen, "i8259 needs interrupt lines 0-15 (the machine has %u)",
                 vm->irq.nlines);
        free(s);
        return -EINVAL;
    }
    int rc = iobus_add(&vm->pio, s->iobase, 2, &master_ops, s);
    if (rc == 0 && (rc = iobus_add(&vm->pio, s->iobase_slave, 2, &slave_ops, s)) != 0)
        iobus_remove(&vm->pio, s->iobase);
    if (rc == 0 && (rc = iobus_add(&vm->pio, s->elcr_port, 2, &elcr_ops, s)) != 0) {
        iobus_remove(&vm->pio, s->iobase);
        iobus_remove(&vm->pio, s->iobase_slave);
    }
    if (rc != 0) {
        snprintf(err, errlen, "i8259: ports 0x%llx, 0x%llx or 0x%llx (2 each) are taken",
                 (unsigned long long)s->iobase, (unsigned long long)s->iobase_slave,
                 (unsigned long long)s->elcr_port);
        free(s);
        return rc;
    }
    rc = vm_extint_attach(vm, &pic_extint, s);
    /* ISA IRQ n comes from GSI n, except IRQ 0 from irq0_gsi (the PC's source override: the
     * PIT is GSI 2); IRQ 2 is the cascade. */
    for (unsigned pin = 0; rc == 0 && pin < 16; pin++) {
        if (pin == PIC_CASCADE_IRQ)
            continue;
        rc = irq_route_add(vm, pin == 0 ? s->irq0_gsi : pin, &pic_sink, s, pin);
    }
    if (rc != 0) {
        snprintf(err, errlen, "i8259: %s",
                 rc == -EEXIST ? "the VM has an 8259 already" : "cannot wire its interrupt lines");
        vm_extint_detach(vm, s);
        irq_route_remove(vm, s);
        iobus_remove(&vm->pio, s->iobase);
        iobus_remove(&vm->pio, s->iobase_slave);
        iobus_remove(&vm->pio, s->elcr_port);
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static void pic_destroy(struct vm *vm, void *state)
{
    vm_extint_detach(vm, state);
    irq_route_remove(vm, state);
    free(state);
}

static const struct devprop_def pic_props[] = {
    {"iobase", DEVPROP_U64, "0x20", 0, 0xFFFE, "the master's two ports"},
    {"iobase_slave", DEVPROP_U64, "0xa0", 0, 0xFFFE, "the slave's two ports"},
    {"elcr", DEVPROP_U64, "0x4d0", 0, 0xFFFE, "the two edge/level control registers"},
    {"irq0_gsi", DEVPROP_U64, "2", 0, IRQ_MAX_LINES - 1, "the interrupt line of ISA IRQ 0"},
};

const struct device_type i8259_type = {
    .name = "i8259",
    .desc = "8259A interrupt controller pair (master, slave on IRQ 2) with the ELCR",
    .arch = "x86_64",
    .props = pic_props,
    .nprops = 4,
    .create = pic_create,
    .reset = pic_reset,
    .destroy = pic_destroy,
};
