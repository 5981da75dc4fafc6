/* The x86 local APIC model (xAPIC, one per vCPU, MMIO at 0xFEE00000). */
#ifndef SOFTKVM_ARCH_X86_LAPIC_H
#define SOFTKVM_ARCH_X86_LAPIC_H

#include "softkvm/vm.h"

#define LAPIC_BASE    0xFEE00000ULL
#define LAPIC_VERSION 0x00050014u /* version 0x14, 6 LVT entries (max LVT index 5) */

/* ICR / IPI delivery modes (bits 10:8). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_REMRD = 3, /* "remote read", used by KVM for the PV kick */
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7, /* the vector comes from the 8259 (INTA) */
};

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

struct lapic {
    uint32_t id; /* APIC ID (0..N-1) */
    uint32_t tpr, ldr, dfr, svr, esr;
    uint32_t isr[8], irr[8], tmr[8];
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t timer_init, timer_divide;
    uint64_t timer_start;    /* virtual ns when the count was (re)loaded */
    uint64_t timer_deadline; /* virtual ns of the next expiry; UINT64_MAX: none */
    bool nmi_pending;
    bool irr_pending;  /* some IRR bit is set (a cheap test for the run loop) */
    bool init_pending; /* INIT received, waiting for STARTUP */
    bool sipi_pending;
    uint8_t sipi_vector;
    bool started;          /* left the wait-for-SIPI state */
    bool extint_requested; /* an ExtINT message arrived: take the 8259's vector */
};

/* Reset an APIC to its power-on state with the given ID. */
void lapic_reset(struct lapic *a, uint32_t id);

/* Map the APIC page (MMIO) for the VM. Returns 0 or a negative errno. */
int lapic_init(struct vm *vm);

/* The vCPU's APIC. */
struct lapic *vcpu_lapic(struct vcpu *v);

/* The vCPU whose APIC ID is id, or NULL. */
struct vcpu *lapic_find(struct vm *vm, uint32_t id);

/* Deliver an interrupt message to one APIC as the bus would: mode and vector as in the ICR.
 * Returns true if the APIC accepted it (fixed/lowest-priority need a software-enabled APIC). */
bool lapic_accept(struct vcpu *target, unsigned mode, uint8_t vector, bool level, bool trig_level);

/* Send the IPI described by icr_lo / icr_hi from vCPU src (shorthands, physical and logical
 * destinations). Returns how many APICs accepted it. */
unsigned lapic_send_icr(struct vcpu *src, uint32_t icr_lo, uint32_t icr_hi);

/* The highest pending vector that beats the processor priority, or -1. */
int lapic_pending_vector(const struct lapic *a);

/* Move vector from IRR to ISR (the CPU acknowledged it). */
void lapic_ack(struct lapic *a, int vector);

/* Whether the vCPU would take the 8259's interrupt now (LINT0 in ExtINT mode, or an ExtINT
 * message), with INTR asserted; IF and the shadow are the caller's to check. */
bool lapic_extint_ready(struct vcpu *v);

/* Register the vCPU's APIC timer on the VM's virtual clock (once, at VM creation). Returns 0 or a
 * negative errno. */
int lapic_timer_register(struct vcpu *v);

#endif
