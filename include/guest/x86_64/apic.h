/* x86-64 guest local APIC (xAPIC, MMIO at 0xFEE00000): registers, EOI, IPIs and the LVT timer. */
#ifndef GUEST_X86_64_APIC_H
#define GUEST_X86_64_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_BASE 0xFEE00000ul

/* ---- Register offsets ---- */
#define APIC_ID          0x020 /* bits 31:24 */
#define APIC_VERSION     0x030
#define APIC_TPR         0x080
#define APIC_PPR         0x0A0
#define APIC_EOI         0x0B0
#define APIC_LDR         0x0D0 /* bits 31:24 */
#define APIC_DFR         0x0E0 /* bits 31:28: 0xF flat, 0x0 cluster */
#define APIC_SVR         0x0F0
#define APIC_ISR         0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR         0x180
#define APIC_IRR         0x200
#define APIC_ESR         0x280
#define APIC_ICR_LO      0x300
#define APIC_ICR_HI      0x310 /* destination in bits 31:24 */
#define APIC_LVT_TIMER   0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF    0x340
#define APIC_LVT_LINT0   0x350
#define APIC_LVT_LINT1   0x360
#define APIC_LVT_ERROR   0x370
#define APIC_TIMER_INIT  0x380
#define APIC_TIMER_CUR   0x390
#define APIC_TIMER_DIV   0x3E0

/* ---- ICR low bits ---- */
#define APIC_DM_FIXED       0x00000u
#define APIC_DM_LOWEST      0x00100u
#define APIC_DM_SMI         0x00200u
#define APIC_DM_NMI         0x00400u
#define APIC_DM_INIT        0x00500u
#define APIC_DM_STARTUP     0x00600u
#define APIC_DEST_LOGICAL   0x00800u
#define APIC_ICR_BUSY       0x01000u /* delivery status (read only) */
#define APIC_INT_ASSERT     0x04000u
#define APIC_INT_LEVELTRIG  0x08000u
#define APIC_DEST_SELF      0x40000u
#define APIC_DEST_ALLINC    0x80000u
#define APIC_DEST_ALLBUT    0xC0000u
#define APIC_SHORTHAND_MASK 0xC0000u
#define APIC_BROADCAST_ID   0xFFu /* physical destination 0xFF: every APIC */

/* ---- SVR and LVT ---- */
#define APIC_SVR_ENABLE     0x100u
#define APIC_LVT_MASKED     (1u << 16)
#define APIC_TIMER_ONESHOT  (0u << 17)
#define APIC_TIMER_PERIODIC (1u << 17)

/* Divide configuration register values. */
#define APIC_TIMER_DIV_1   0xBu
#define APIC_TIMER_DIV_2   0x0u
#define APIC_TIMER_DIV_4   0x1u
#define APIC_TIMER_DIV_8   0x2u
#define APIC_TIMER_DIV_16  0x3u
#define APIC_TIMER_DIV_32  0x8u
#define APIC_TIMER_DIV_64  0x9u
#define APIC_TIMER_DIV_128 0xAu

/* softkvm's APIC timer input clock: 100 MHz of virtual time (docs/platform.md). */
#define APIC_TIMER_NS_PER_TICK 10u

/* The vector the SDK programs into the SVR (spurious interrupts; no EOI needed). */
#define APIC_SPURIOUS_VECTOR 0xFF

static inline uint32_t apic_read(unsigned reg)
{
    return *(volatile uint32_t *)(APIC_BASE + reg);
}

static inline void apic_write(unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(APIC_BASE + reg) = v;
}

/* This CPU's APIC ID. */
static inline uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

static inline void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* Bit vector of one of the 256-bit registers (APIC_ISR, APIC_TMR, APIC_IRR). */
static inline bool apic_vector_bit(unsigned reg, unsigned vector)
{
    return (apic_read(reg + 0x10 * (vector >> 5)) >> (vector & 31)) & 1u;
}

/* Software-enable the APIC: SVR = enable | APIC_SPURIOUS_VECTOR, TPR 0, flat logical model with
 * LDR = 1 << (APIC ID & 7) (the Linux flat convention for up to 8 CPUs), LVTs masked. The page
 * must be mapped (softkvm's tables map it; x86_pt_init does too). */
void apic_enable(void);

/* Software-disable it (SVR bit 8 clear): fixed interrupts are no longer accepted. */
void apic_disable(void);

/* Wait (bounded) until the ICR's delivery status is idle. Returns false on timeout. */
bool apic_icr_wait_idle(void);

/* Send an IPI: ICR high = dest << 24, then ICR low = icr_lo (starts the delivery); waits for the
 * previous one to leave first. dest is ignored by the shorthands. */
void apic_send_icr(uint32_t dest, uint32_t icr_lo);

/* Fixed IPI with vector to one APIC ID (physical destination). */
static inline void apic_send_ipi(uint32_t dest, uint8_t vector)
{
    apic_send_icr(dest, APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

/* NMI to one APIC ID. */
static inline void apic_send_nmi(uint32_t dest)
{
    apic_send_icr(dest, APIC_DM_NMI | APIC_INT_ASSERT);
}

/* INIT (assert, level) followed by INIT de-assert, as the MP start-up sequence sends them. */
void apic_send_init(uint32_t dest);

/* STARTUP with vector (the AP starts in real mode at vector << 12). */
static inline void apic_send_startup(uint32_t dest, uint8_t vector)
{
    apic_send_icr(dest, APIC_DM_STARTUP | APIC_INT_ASSERT | vector);
}

/* ---- LVT timer ----
 * apic_timer_start(vector, mode, divide, count): LVT timer = vector | mode (APIC_TIMER_ONESHOT or
 * APIC_TIMER_PERIODIC) | (masked ? APIC_LVT_MASKED : 0), divide register, then the initial count
 * (which starts it). On softkvm one count at divide-by-1 is 10 ns of virtual time. */
void apic_timer_start(uint8_t vector, uint32_t mode, uint32_t divide, uint32_t count, bool masked);

/* Stop the timer (initial count 0) and mask its LVT. */
void apic_timer_stop(void);

static inline uint32_t apic_timer_current(void)
{
    return apic_read(APIC_TIMER_CUR);
}

/* ---- A virtual clock from this CPU's APIC timer ----
 * apic_vclock_start() runs the timer masked, one-shot, divide 1, from 0xFFFFFFFF; apic_vclock_ns()
 * is the virtual time since then (10 ns per count; wraps after about 42.9 s). It uses this CPU's
 * timer, so not together with apic_timer_start on the same CPU. Note that an armed timer keeps a
 * run whose vCPUs all halt going until it expires (docs/platform.md). */
void apic_vclock_start(void);
uint64_t apic_vclock_ns(void);

#endif
