/* The IOAPIC's entry point for the local APICs: the EOI broadcast of level-triggered vectors. */
#ifndef SOFTKVM_IOAPIC_H
#define SOFTKVM_IOAPIC_H

#include "softkvm/types.h"

struct vm;

/* A local APIC's EOI of vector (x86: an EOI while the vector's TMR bit is set). Every IOAPIC of
 * the VM clears the remote IRR of its level-triggered entries with that vector, and delivers
 * again at once an entry whose line is still asserted. Safe with no IOAPIC, and from engine
 * callbacks (the MMIO write of the EOI register). */
void ioapic_eoi(struct vm *vm, uint8_t vector);

#endif
