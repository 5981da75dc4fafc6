/* Interrupt lines: a per-VM router from GSIs (device interrupt lines) to interrupt controllers. */
#ifndef SOFTKVM_IRQ_H
#define SOFTKVM_IRQ_H

#include "softkvm/types.h"

struct vm;

/* Hard caps, checked: lines per VM and devices that may share one line. */
#define IRQ_MAX_LINES   256
#define IRQ_MAX_SOURCES 32

/* An interrupt controller input (a PIC or IOAPIC pin, a LAPIC LINT pin) the board wires a line
 * to. set() is called on every change of the line's level as the controller sees it: after the
 * OR of every source sharing the line, and 0 while the line is masked. Edge-triggered inputs
 * act on 0 -> 1, level-triggered ones on the level; that choice is the controller's. */
struct irq_sink_ops {
    const char *name;
    void (*set)(struct vm *vm, void *opaque, unsigned pin, bool level);
};

struct irq_route {
    const struct irq_sink_ops *ops;
    void *opaque;
    unsigned pin;
    struct irq_route *next;
};

struct irq_line {
    uint32_t sources; /* bit s: source s asserts the line */
    bool masked;      /* the router delivers nothing while masked */
    bool level;       /* what the sinks last saw */
    uint64_t raised;  /* 0 -> 1 transitions the sinks saw (for --stats) */
    struct irq_route *sinks;
};

/* The router. A zeroed router has no lines: irq_router_init sizes it. */
struct irq_router {
    struct irq_line *lines;
    unsigned nlines;
    uint32_t sources_used; /* bit s: source id s was handed out */
};

/* Give the VM nlines lines (GSIs 0 .. nlines-1), all low and unrouted. Returns 0, -EINVAL (0 or
 * more than IRQ_MAX_LINES, or already sized), -ENOMEM. */
int irq_router_init(struct vm *vm, unsigned nlines);

/* Release the router's memory (vm_destroy does this). */
void irq_router_release(struct vm *vm);

/* Wire line gsi to input pin of a controller (a line may feed several controllers, as a PC's
 * ISA lines feed both the 8259 and the IOAPIC). Returns 0, -EINVAL (no such line), -ENOMEM. */
int irq_route_add(struct vm *vm, unsigned gsi, const struct irq_sink_ops *ops, void *opaque,
                  unsigned pin);

/* Remove every route to the controller whose opaque is given (a device that fails to create or
 * goes away). The lines keep their sources. */
void irq_route_remove(struct vm *vm, const void *opaque);

/* A source id for a device that shares lines with others (id 0 is the default source of
 * vm_irq_set). Returns the id (1 .. IRQ_MAX_SOURCES-1) or -ENOSPC. */
int irq_source_alloc(struct vm *vm);

/* Drive line gsi from source to level. The sinks see the change only when the OR of all
 * sources changes (sharing) and the line is not masked. Returns 0 or -EINVAL (no such line or
 * source). Safe inside engine callbacks; the sinks decide how to make the interrupt prompt. */
int vm_irq_set_source(struct vm *vm, unsigned gsi, unsigned source, bool level);

/* vm_irq_set_source with the default source 0. */
int vm_irq_set(struct vm *vm, unsigned gsi, bool level);

/* An edge: raise then lower the line (for edge-triggered devices such as the PIT). */
int vm_irq_pulse(struct vm *vm, unsigned gsi);

/* Mask or unmask line gsi at the router. Masking shows the sinks a low line; unmasking shows
 * them the line's current level again (a level still asserted is seen, a pulse that came while
 * masked is lost). Returns 0 or -EINVAL. */
int vm_irq_mask(struct vm *vm, unsigned gsi, bool masked);

/* The line's level as its sources drive it (ignoring the mask), or false for no such line. */
bool vm_irq_level(const struct vm *vm, unsigned gsi);

#endif
