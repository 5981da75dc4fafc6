/* The VM's interrupt controller as generic code sees it (x86: the local APICs). */
#ifndef SOFTKVM_IRQCHIP_H
#define SOFTKVM_IRQCHIP_H

#include "softkvm/types.h"

struct vm;
struct vcpu;

/* Delivery modes, numbered as the x86 ICR's bits 10:8 (other arches map theirs onto these). */
enum irq_mode {
    IRQ_FIXED = 0,
    IRQ_LOWEST = 1,
    IRQ_SMI = 2,
    IRQ_KICK = 3, /* KVM's PV kick ("remote read" mode): pv_unhalted + wake */
    IRQ_NMI = 4,
    IRQ_INIT = 5,
    IRQ_STARTUP = 6,
    IRQ_EXTINT = 7, /* take the vector from the 8259 (an INTA cycle: vm_extint_ack, extint.h) */
};

struct irqchip_ops {
    /* The vCPU with interrupt-controller ID id (x86: APIC ID), or NULL. */
    struct vcpu *(*find)(struct vm *vm, uint32_t id);
    /* The highest ID in use. */
    uint32_t (*max_id)(struct vm *vm);
    /* Deliver one message to target; true if it was accepted. */
    bool (*deliver)(struct vcpu *target, enum irq_mode mode, uint8_t vector, bool level,
                    bool trig_level);
};

#endif
