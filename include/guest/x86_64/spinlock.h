/* x86-64 guest ticket spinlock with a paravirtual slow path: halt, woken by KVM_HC_KICK_CPU. */
#ifndef GUEST_X86_64_SPINLOCK_H
#define GUEST_X86_64_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* A FIFO ticket lock. A CPU takes ticket = tail++ and owns the lock when head == ticket; unlock
 * is head++. With the PV slow path on (spinlock_pv_init found KVM_FEATURE_PV_UNHALT and more than
 * one CPU), a waiter that has spun spinlock_spin_threshold times records {lock, ticket} in its
 * per-CPU data, checks the head once more, and halts with interrupts off; the unlocker looks for
 * the CPU waiting for the new head and wakes it with KVM_HC_KICK_CPU (a kick that comes before
 * the halt makes the halt return at once). Without it, waiters spin with PAUSE. This is the
 * scheme of Linux's PV ticket spinlocks (kvm_lock_spinning / kvm_unlock_kick). */
struct spinlock {
    volatile uint32_t head;  /* ticket being served */
    volatile uint32_t tail;  /* next ticket to hand out */
    volatile uint32_t slow;  /* times a waiter went to halt */
    volatile uint32_t kicks; /* KVM_HC_KICK_CPU calls made by unlockers */
} __attribute__((aligned(64)));

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, 0, 0, 0                                                                                 \
    }

/* Spins before the slow path halts (default 64: on a host that runs one vCPU at a time, a
 * waiter's spinning cannot see the holder release the lock). */
extern unsigned spinlock_spin_threshold;

/* Whether the PV slow path is in use. */
extern bool spinlock_pv;

/* Decide the slow path: on if allow, KVM_FEATURE_PV_UNHALT is advertised and smp_ncpus > 1.
 * Returns the choice. Call after smp_init, before the lock is contended. */
bool spinlock_pv_init(bool allow);

void spin_lock_init(struct spinlock *l);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);

#endif
