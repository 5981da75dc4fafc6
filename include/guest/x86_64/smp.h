/* x86-64 guest SMP: AP bring-up (INIT/SIPI trampoline), per-CPU data, IPIs, PV kick/IPI/yield. */
#ifndef GUEST_X86_64_SMP_H
#define GUEST_X86_64_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/softkvm_guest.h"
#include "guest/x86_64/apic.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* ---- Limits and fixed places ----
 * CPU numbers are APIC IDs: softkvm gives vCPU i APIC ID i (docs/platform.md), so smp_cpus[] is
 * indexed by APIC ID and cpu == APIC ID throughout. */
#define SMP_MAX_CPUS        64
#define SMP_TRAMPOLINE_ADDR 0x8000u /* real-mode AP entry: STARTUP vector 8 */
#define SMP_TRAMPOLINE_VEC  (SMP_TRAMPOLINE_ADDR >> 12)
#define SMP_STACK_SIZE      16384u /* each AP's kernel stack */
#define SMP_IST_STACK_SIZE  4096u  /* each AP's TSS RSP0 / IST stack */
#define SMP_VEC_WAKE        0xF0   /* "look at your mailbox" IPI (smp_call_async) */
#define SMP_START_SPINS     20000000u
#define SMP_NMI_VECTOR      X86_VEC_NMI
#define SMP_CPU_ABSENT      0
#define SMP_CPU_STARTING    1
#define SMP_CPU_ONLINE      2
#define SMP_CPU_FAILED      3

struct spinlock;

/* One CPU's data; %gs:0 points at its own entry (GS base set by smp_init / the AP entry). */
struct smp_cpu {
    struct smp_cpu *self; /* %gs:0 */
    uint32_t cpu;         /* == APIC ID */
    volatile uint32_t state;
    /* mailbox of smp_call_async: the AP's idle loop runs fn(arg) and counts it */
    void (*volatile call_fn)(void *);
    void *volatile call_arg;
    volatile uint64_t calls_done;
    /* the PV spinlock slow path: the lock and ticket this CPU halts for (NULL: none) */
    struct spinlock *volatile wait_lock;
    volatile uint32_t wait_ticket;
    volatile uint32_t wakes; /* SMP_VEC_WAKE interrupts taken */
    /* the AP's local APIC as it found it, before enabling it: SVR, and the OR of every ISR and
     * IRR word (INIT resets the APIC: SVR 0xFF, nothing in service or requested) */
    uint32_t boot_svr, boot_isr_irr;
    uint64_t stack_top;
    void *user;                                                 /* free for the program */
    uint64_t gdt[X86_GDT_ENTRIES] __attribute__((aligned(16))); /* APs: own copy (own TSS) */
    struct x86_tss tss __attribute__((aligned(16)));
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct smp_cpu, self) == 0, "%gs:0 is the self pointer");
_Static_assert(offsetof(struct smp_cpu, cpu) == 8, "%gs:8 is the CPU number");

extern struct smp_cpu smp_cpus[SMP_MAX_CPUS];

/* Number of vCPUs (boot info; fw_cfg key 0x05 when the boot info is not there), set by smp_init. */
extern unsigned smp_ncpus;

/* CPUs online (the BSP counts), incremented by each AP as it reports. */
extern volatile unsigned smp_online;

/* This CPU's entry and number (valid after smp_init on the BSP, from the start on APs). */
static inline struct smp_cpu *smp_this_cpu(void)
{
    struct smp_cpu *c;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(c));
    return c;
}

static inline unsigned smp_cpu_id(void)
{
    uint32_t id;
    __asm__ volatile("movl %%gs:8, %0" : "=r"(id));
    return id;
}

/* ---- Atomics and barriers (every CPU here is one vCPU of one engine, but the code is written
 * for real SMP) ---- */
static inline void smp_mb(void)
{
    __asm__ volatile("mfence" ::: "memory");
}

static inline void barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

static inline uint32_t atomic_fetch_add32(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v;
}

static inline uint64_t atomic_fetch_add64(volatile uint64_t *p, uint64_t v)
{
    __asm__ volatile("lock xaddq %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v;
}

static inline uint32_t atomic_xchg32(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v;
}

/* ---- Bring-up ----
 * smp_init(): on the BSP after x86_init: counts the vCPUs, fills cpu 0's entry, sets GS base,
 * enables the local APIC (apic_enable), installs the SDK's handlers (SMP_VEC_WAKE, the spurious
 * vector) and copies the trampoline to SMP_TRAMPOLINE_ADDR. Interrupts stay off.
 *
 * smp_start_ap(cpu): INIT, STARTUP (vector SMP_TRAMPOLINE_VEC), waits (bounded) for the AP to
 * report, a second STARTUP if it has not, as the MP start-up sequence does. The AP runs the
 * trampoline: real mode at 0x8000 -> protected mode -> long mode with the BSP's CR0/CR3/CR4/EFER,
 * finds its APIC ID with CPUID leaf 1 (EBX[31:24]), takes its stack, then in C loads its own GDT
 * copy and TSS, the shared IDT, GS base, enables its APIC, reports (state ONLINE, smp_online++) and
 * calls ap_main(cpu); when that returns it runs smp_idle(). Returns true if the AP reported.
 *
 * smp_boot_aps(): smp_start_ap for every APIC ID 1 .. smp_ncpus - 1, one after the other; returns
 * smp_online (all CPUs online, the BSP included). */
void smp_init(void);
bool smp_start_ap(unsigned cpu);
unsigned smp_boot_aps(void);

/* The AP's program. The SDK's weak default returns at once (the AP then idles in smp_idle). */
void ap_main(unsigned cpu);

/* The AP idle loop: with interrupts on, runs what smp_call_async posts, else STI;HLT. */
__attribute__((noreturn)) void smp_idle(void);

/* Post fn(arg) to an idle AP's mailbox and wake it with SMP_VEC_WAKE. Returns false if the AP is
 * not online or its mailbox is busy. smp_call_wait waits (bounded) until it has run; smp_call runs
 * it and waits. */
bool smp_call_async(unsigned cpu, void (*fn)(void *), void *arg);
bool smp_call_wait(unsigned cpu);
bool smp_call(unsigned cpu, void (*fn)(void *), void *arg);

/* Spin (with PAUSE) until *p == want or spins run out; returns whether it got there. */
bool smp_wait_eq32(const volatile uint32_t *p, uint32_t want, uint64_t spins);

/* What the trampoline saw and used (at SMP_TRAMPOLINE_ADDR + offset, written by smp_init and by
 * every AP that passes through: the entry_* fields are the last AP's real-mode entry state). */
struct smp_trampoline_params {
    uint32_t cr0, cr3, cr4, efer; /* long-mode state to enter (the BSP's) */
    uint64_t entry;               /* 64-bit C entry, called with EDI = APIC ID */
    uint64_t stacks;              /* address of uint64_t[SMP_MAX_CPUS]: stack tops by APIC ID */
    uint32_t entry_eax, entry_ebx, entry_ecx, entry_edx; /* registers at the STARTUP entry */
    uint32_t entry_flags;                                /* FLAGS at entry (IF must be 0) */
    uint32_t entry_cs;                                   /* CS at entry (vector << 8) */
    uint32_t entries;                                    /* APs that ran the trampoline */
    uint32_t pad;
};

/* The trampoline's parameter block as the APs see it (valid after smp_init). */
volatile struct smp_trampoline_params *smp_trampoline_params(void);

/* ---- Native IPIs ---- */

/* Fixed IPI to each CPU set in mask (bit i of mask[i / 64] = APIC ID i, nbits bits), one ICR
 * write each; vector SMP_NMI_VECTOR sends NMIs. Returns the number of IPIs sent. */
unsigned apic_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector);

/* ---- KVM paravirtual calls, with the boot info's native instruction (VMCALL or VMMCALL) ---- */

static inline long kvm_hypercall_native(unsigned int nr, unsigned long p1, unsigned long p2,
                                        unsigned long p3, unsigned long p4)
{
    return kvm_hypercall_raw(nr, p1, p2, p3, p4, x86_native_vmmcall());
}

/* KVM_HC_KICK_CPU: wake the vCPU with apicid from its HLT (or make its next HLT return at once);
 * a0 = flags (0), a1 = APIC ID, as Linux's kvm_kick_cpu. Returns 0 (or -KVM_ENOSYS when the
 * feature is hidden and enforced). */
static inline long kvm_kick_cpu(uint32_t apicid)
{
    return kvm_hypercall_native(KVM_HC_KICK_CPU, 0, apicid, 0, 0);
}

/* KVM_HC_SCHED_YIELD to apicid. */
static inline long kvm_sched_yield(uint32_t apicid)
{
    return kvm_hypercall_native(KVM_HC_SCHED_YIELD, apicid, 0, 0, 0);
}

/* One raw KVM_HC_SEND_IPI: bitmaps lo (APIC IDs min..min+63) and hi (min+64..min+127), icr. */
static inline long kvm_send_ipi_raw(uint64_t lo, uint64_t hi, uint32_t min, uint32_t icr)
{
    return kvm_hypercall_native(KVM_HC_SEND_IPI, lo, hi, min, icr);
}

/* KVM_HC_SEND_IPI for every APIC ID set in mask (bit i of mask[i / 64], nbits bits), like Linux's
 * __send_ipi_mask: IDs are packed into 128-bit windows starting at the lowest ID still to send,
 * one hypercall per window. vector SMP_NMI_VECTOR sends NMIs (APIC_DM_NMI), anything else a
 * fixed IPI. Returns the total the hypercalls returned (IPIs accepted), or the first negative
 * return (and stops there). */
long kvm_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector);

/* PV IPI when KVM_FEATURE_PV_SEND_IPI is advertised, else apic_send_ipi_mask. Returns the number
 * accepted (PV) or sent (native). */
long smp_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector);

/* ---- Console from several CPUs ---- */

/* gprintf under a console lock, so lines from different CPUs do not interleave. */
__attribute__((format(printf, 1, 2))) int smp_printf(const char *fmt, ...);

/* The lock serializing fw_cfg's selector among CPUs (a test-and-set lock). */
void smp_fw_cfg_lock(void);
void smp_fw_cfg_unlock(void);

#endif
