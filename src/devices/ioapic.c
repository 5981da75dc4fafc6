/* The IOAPIC (82093AA as KVM presents it, version 0x20): 24 redirection entries behind
 * IOREGSEL/IOWIN at 0xFEC00000, edge and level triggering with remote IRR, the EOI register. */
#include "softkvm/ioapic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "softkvm/clock.h"
#include "softkvm/irq.h"
#include "softkvm/irqchip.h"
#include "softkvm/mmio.h"

#define IOAPIC_PINS    24
#define IOAPIC_VERSION 0x00170020u /* max redirection entry 23, version 0x20 (KVM's) */

#define REG_ID      0x00
#define REG_VERSION 0x01
#define REG_ARB     0x02
#define REG_REDIR   0x10

#define OFF_IOREGSEL 0x00
#define OFF_IOWIN    0x10
#define OFF_EOI      0x40

#define RTE_DEST_LOGICAL (1ULL << 11)
#define RTE_STATUS       (1ULL << 12) /* delivery pending: never visible, delivery is at once */
#define RTE_REMOTE_IRR   (1ULL << 14)
#define RTE_LEVEL        (1ULL << 15)
#define RTE_MASKED       (1ULL << 16)
#define RTE_RO_BITS      (RTE_STATUS | RTE_REMOTE_IRR)
#define RTE_WRITABLE     (0xFF00000000000000ULL | 0x1AFFFULL) /* dest, mask, trigger, ... */

struct ioapic {
    uint64_t base;
    unsigned gsi;
    uint32_t id;    /* bits 27:24 of the ID register */
    uint8_t regsel; /* IOREGSEL */
    uint32_t lines; /* bit n: input n asserted */
    uint64_t rte[IOAPIC_PINS];
    uint64_t delivered; /* interrupts accepted by some local APIC (for tests and --stats) */
};

/* Send entry n's message to its destination through the VM's interrupt controller. Returns
 * whether some local APIC accepted it. */
static bool deliver(struct vm *vm, struct ioapic *io, unsigned n)
{
    const struct irqchip_ops *chip = vm->irqchip;
    uint64_t e = io->rte[n];
    if (chip == NULL)
        return false;
    uint8_t vector = (uint8_t)e, dest = (uint8_t)(e >> 56);
    unsigned mode = (e >> 8) & 7;
    bool level = e & RTE_LEVEL, hit = false;
    if (mode == IRQ_SMI || mode == IRQ_KICK || mode == IRQ_STARTUP)
        return false; /* reserved in a redirection entry */
    uint32_t max = chip->max_id(vm);
    for (uint32_t id = 0; id <= max && id < 256; id++) {
        struct vcpu *t = chip->find(vm, id);
        if (t == NULL)
            continue;
        bool match;
        if (e & RTE_DEST_LOGICAL)
            match = id < 8 && (dest & (1u << id)); /* flat model, logical ID bit n = APIC ID n */
        else
            match = dest == 0xFF || dest == id;
        if (!match)
            continue;
        bool ok = chip->deliver(t, (enum irq_mode)mode, vector, true, level);
        hit |= ok;
        if (ok && mode == IRQ_LOWEST)
            break; /* one taker: the lowest APIC ID that accepts */
    }
    if (hit) {
        io->delivered++;
        vclock_kick(vm); /* the run loop delivers it at the next block boundary */
    }
    return hit;
}

/* Deliver entry n if its line asks for it now: unmasked, and for level entries asserted with no
 * interrupt in service (remote IRR clear). Edge entries call this on a rising edge only. */
static void service(struct vm *vm, struct ioapic *io, unsigned n)
{
    uint64_t e = io->rte[n];
    if ((e & RTE_MASKED) || !(io->lines & (1u << n)))
        return;
    if (e & RTE_LEVEL) {
        if (!(e & RTE_REMOTE_IRR) && deliver(vm, io, n))
            io->rte[n] |= RTE_REMOTE_IRR;
    } else {
        deliver(vm, io, n);
    }
}

static void ioapic_set_irq(struct vm *vm, void *opaque, unsigned pin, bool level)
{
    struct ioapic *io = opaque;
    if (pin >= IOAPIC_PINS)
        return;
    uint32_t bit = 1u << pin;
    bool was = io->lines & bit;
    if (!level) {
        io->lines &= ~bit;
        return;
    }
    io->lines |= bit;
    /* Polarity (bit 13) is the board's business: the router's level is the assertion. */
    if ((io->rte[pin] & RTE_LEVEL) || !was)
        service(vm, io, pin);
}

static const struct irq_sink_ops ioapic_sink = {"ioapic", ioapic_set_irq};

static void eoi_one(struct vm *vm, struct ioapic *io, uint8_t vector)
{
    for (unsigned n = 0; n < IOAPIC_PINS; n++) {
        uint64_t e = io->rte[n];
        if ((uint8_t)e != vector || !(e & RTE_LEVEL) || !(e & RTE_REMOTE_IRR))
            continue;
        io->rte[n] &= ~RTE_REMOTE_IRR;
        service(vm, io, n); /* still asserted: the next interrupt */
    }
}

void ioapic_eoi(struct vm *vm, uint8_t vector)
{
    for (struct device *d = vm->device_list; d != NULL; d = d->next)
        if (d->type == &ioapic_type)
            eoi_one(vm, d->state, vector);
}

static uint32_t reg_read(const struct ioapic *io)
{
    unsigned r = io->regsel;
    switch (r) {
    case REG_ID:
    case REG_ARB:
        return io->id << 24;
    case REG_VERSION:
        return IOAPIC_VERSION;
    default:
        if (r >= REG_REDIR && r < REG_REDIR + 2 * IOAPIC_PINS) {
            uint64_t e = io->rte[(r - REG_REDIR) >> 1];
            return (uint32_t)(r & 1 ? e >> 32 : e);
        }
        return 0xFFFFFFFFu; /* no such register: KVM answers all ones */
    }
}

static void reg_write(struct vm *vm, struct ioapic *io, uint32_t val)
{
    unsigned r = io->regsel;
    if (r == REG_ID) {
        io->id = (val >> 24) & 0xF;
        return;
    }
    if (r < REG_REDIR || r >= REG_REDIR + 2 * IOAPIC_PINS)
        return; /* the version and arbitration registers are read-only */
    unsigned n = (r - REG_REDIR) >> 1;
    uint64_t e = io->rte[n];
    if (r & 1)
        e = (e & 0xFFFFFFFFULL) | ((uint64_t)val << 32);
    else
        e = (e & ~0xFFFFFFFFULL) | val;
    e = (e & RTE_WRITABLE) | (io->rte[n] & RTE_RO_BITS);
    if (!(e & RTE_LEVEL))
        e &= ~RTE_REMOTE_IRR; /* as KVM: an edge entry has nothing in service */
    io->rte[n] = e;
    /* Unmasking (or making level) an entry whose line is asserted delivers it now. */
    if (e & RTE_LEVEL)
        service(vm, io, n);
}

static uint64_t ioapic_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct ioapic *io = opaque;
    unsigned shift = 8 * (unsigned)(off & 3);
    switch (off & ~3ULL) {
    case OFF_IOREGSEL:
        return (uint64_t)io->regsel >> shift;
    case OFF_IOWIN:
        return (uint64_t)reg_read(io) >> shift;
    default:
        return 0;
    }
}

static void ioapic_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct ioapic *io = opaque;
    if (off == OFF_IOREGSEL)
        io->regsel = (uint8_t)val;
    else if (off == OFF_IOWIN && size == 4)
        reg_write(vm, io, (uint32_t)val);
    else if (off == OFF_EOI)
        eoi_one(vm, io, (uint8_t)val);
}

static const struct io_ops ioapic_ops = {"ioapic", ioapic_read, ioapic_write};

static void ioapic_reset(struct vm *vm, void *state)
{
    struct ioapic *io = state;
    io->id = 0;
    io->regsel = 0;
    for (unsigned n = 0; n < IOAPIC_PINS; n++)
        io->rte[n] = RTE_MASKED;
}

static int ioapic_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                         size_t errlen)
{
    struct ioapic *io = calloc(1, sizeof(*io));
    if (io == NULL) {
        snprintf(err, errlen, "out of host memory for ioapic");
        return -ENOMEM;
    }
    io->base = devprop_u64(p, "base");
    io->gsi = (unsigned)devprop_u64(p, "gsi");
    ioapic_reset(vm, io);
    if (io->gsi + IOAPIC_PINS > vm->irq.nlines) {
        snprintf(err, errlen, "ioapic needs interrupt lines %u-%u (the machine has %u)", io->gsi,
                 io->gsi + IOAPIC_PINS - 1, vm->irq.nlines);
        free(io);
        return -EINVAL;
    }
    int rc = vm_add_mmio(vm, io->base, SKVM_PAGE_SIZE, &ioapic_ops, io);
    if (rc != 0) {
        snprintf(err, errlen, "ioapic: cannot map its page at 0x%llx (%s)",
                 (unsigned long long)io->base, rc == -EEXIST ? "taken" : "not page-aligned");
        free(io);
        return rc;
    }
    for (unsigned n = 0; rc == 0 && n < IOAPIC_PINS; n++)
        rc = irq_route_add(vm, io->gsi + n, &ioapic_sink, io, n);
    if (rc != 0) {
        snprintf(err, errlen, "ioapic: cannot wire its interrupt lines");
        irq_route_remove(vm, io);
        vm_remove_mmio(vm, io->base);
        free(io);
        return rc;
    }
    *state = io;
    return 0;
}

static void ioapic_destroy(struct vm *vm, void *state)
{
    irq_route_remove(vm, state);
    free(state);
}

static const struct devprop_def ioapic_props[] = {
    {"base", DEVPROP_U64, "0xfec00000", 0, 0xFFFFF000, "its 4 KiB page"},
    {"gsi", DEVPROP_U64, "0", 0, IRQ_MAX_LINES - IOAPIC_PINS, "the line of pin 0 (GSI base)"},
};

const struct device_type ioapic_type = {
    .name = "ioapic",
    .desc = "IOAPIC version 0x20, 24 pins, at 0xFEC00000",
    .arch = "x86_64",
    .props = ioapic_props,
    .nprops = 2,
    .create = ioapic_create,
    .reset = ioapic_reset,
    .destroy = ioapic_destroy,
};
