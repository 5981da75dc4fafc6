/* The INTR/INTA wire between an 8259-style interrupt controller and the CPU that takes its
 * interrupts (x86: vCPU 0's local APIC, LINT0 in ExtINT mode: the PC's "virtual wire"). */
#ifndef SOFTKVM_EXTINT_H
#define SOFTKVM_EXTINT_H

#include "softkvm/types.h"

struct vm;

/* The controller's side, registered by the controller (the i8259 pair). */
struct extint_ops {
    const char *name;
    /* Whether INTR is asserted now: an unmasked request beats the priority of what is in
     * service. */
    bool (*pending)(struct vm *vm, void *opaque);
    /* The INTA cycle: returns the vector (0-255) and moves the controller on (in-service bit
     * set unless auto-EOI, an edge request cleared). If the request went away since INTR was
     * seen, the controller answers its spurious vector (IRQ 7's, or IRQ 15's through a cascade)
     * as the hardware does; the CPU delivers that vector all the same. */
    int (*ack)(struct vm *vm, void *opaque);
};

/* The CPU side: called whenever INTR changes level (from device callbacks, timers, or port
 * writes inside the engine). The listener decides whether its input takes ExtINT now (x86: LINT0
 * unmasked in ExtINT mode), wakes the vCPU and makes the run loop look (vclock_kick). */
typedef void (*extint_notify_fn)(struct vm *vm, bool level);

struct extint {
    const struct extint_ops *ops; /* NULL: no controller */
    void *opaque;
    extint_notify_fn notify; /* NULL: nobody listens */
};

/* Attach the VM's one external-interrupt controller. Returns 0 or -EEXIST (one is attached). */
int vm_extint_attach(struct vm *vm, const struct extint_ops *ops, void *opaque);

/* Detach the controller whose opaque is given (a device's destroy); no-op if it is not the one. */
void vm_extint_detach(struct vm *vm, void *opaque);

/* Set (or clear, with NULL) the CPU-side listener. */
void vm_extint_listen(struct vm *vm, extint_notify_fn notify);

/* Whether INTR is asserted (false with no controller). */
bool vm_extint_pending(struct vm *vm);

/* Run the INTA cycle: the vector, or -1 with no controller. Call it only when the CPU really
 * takes the interrupt (IF set, LINT0 in ExtINT mode), as it changes the controller's state. */
int vm_extint_ack(struct vm *vm);

/* For the controller: INTR changed to level; tells the listener. */
void vm_extint_changed(struct vm *vm, bool level);

#endif
