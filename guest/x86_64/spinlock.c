/* x86-64 guest ticket spinlock: spin, then (PV) halt until the unlocker's KVM_HC_KICK_CPU. */
#include "guest/x86_64/spinlock.h"

#include "guest/x86_64/smp.h"

unsigned spinlock_spin_threshold = 64;
bool spinlock_pv;

bool spinlock_pv_init(bool allow)
{
    spinlock_pv = allow && smp_ncpus > 1 && kvm_para_has_feature(KVM_FEATURE_PV_UNHALT);
    return spinlock_pv;
}

void spin_lock_init(struct spinlock *l)
{
    l->head = 0;
    l->tail = 0;
    l->slow = 0;
    l->kicks = 0;
}

bool spin_trylock(struct spinlock *l)
{
    uint32_t head = l->head;
    uint32_t expect = head;
    /* take ticket "head" only if nobody holds or waits: tail == head */
    uint32_t prev;
    __asm__ volatile("lock cmpxchgl %2, %1"
                     : "=a"(prev), "+m"(l->tail)
                     : "r"(head + 1), "0"(expect)
                     : "memory");
    return prev == head;
}

/* Halt until the lock's head reaches ticket (or something else wakes this CPU). */
static void pv_wait(struct spinlock *l, uint32_t ticket)
{
    struct smp_cpu *me = smp_this_cpu();
    uint64_t flags = x86_irq_save();
    me->wait_ticket = ticket;
    barrier();
    me->wait_lock = l;
    smp_mb(); /* publish the wait before looking at the head once more */
    if (l->head != ticket) {
        atomic_fetch_add32(&l->slow, 1);
        x86_hlt(); /* interrupts off: only a kick (or an NMI) ends it */
    }
    me->wait_lock = NULL;
    smp_mb();
    x86_irq_restore(flags);
}

void spin_lock(struct spinlock *l)
{
    uint32_t ticket = atomic_fetch_add32(&l->tail, 1);
    for (;;) {
        for (unsigned i = 0; i < spinlock_spin_threshold || !spinlock_pv; i++) {
            if (l->head == ticket) {
                barrier();
                return;
            }
            x86_pause();
        }
        pv_wait(l, ticket);
        if (l->head == ticket) {
            barrier();
            return;
        }
    }
}

void spin_unlock(struct spinlock *l)
{
    uint32_t next = l->head + 1;
    barrier();
    atomic_xchg32(&l->head, next); /* a full barrier: the head is out before the waiters are read */
    if (!spinlock_pv || l->tail == next)
        return; /* nobody waits for this ticket */
    for (unsigned cpu = 0; cpu < smp_ncpus; cpu++) {
        struct smp_cpu *c = &smp_cpus[cpu];
        if (c->wait_lock == l && c->wait_ticket == next) {
            atomic_fetch_add32(&l->kicks, 1);
            kvm_kick_cpu(cpu);
            break;
        }
    }
}
