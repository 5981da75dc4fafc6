/* The x86 local APIC: registers, priorities, IPIs (ICR), EOI, and the LVT timer on the virtual
 * clock. */
#include "arch/x86_64/lapic.h"

#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/clock.h"
#include "softkvm/extint.h"
#include "softkvm/ioapic.h"
#include "softkvm/irqchip.h"
#include "softkvm/mmio.h"
#include "softkvm/timer.h"

#define SVR_ENABLE        (1u << 8)
#define LVT_MASKED        (1u << 16)
#define LVT_TIMER_MODE    (3u << 17)
#define LVT_PERIODIC      (1u << 17)
#define ICR_DEST_LOGICAL  (1u << 11)
#define ICR_STATUS        (1u << 12)
#define ICR_LEVEL         (1u << 14)
#define ICR_TRIGGER       (1u << 15)
#define TIMER_NS_PER_TICK 10ULL /* the APIC timer input clock: 100 MHz on the virtual clock */

static void set_bit(uint32_t *v, int n)
{
    v[n >> 5] |= 1u << (n & 31);
}

static void clear_bit(uint32_t *v, int n)
{
    v[n >> 5] &= ~(1u << (n & 31));
}

static int highest_bit(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--)
        if (v[i] != 0)
            return i * 32 + 31 - __builtin_clz(v[i]);
    return -1;
}

void lapic_reset(struct lapic *a, uint32_t id)
{
    memset(a, 0, sizeof(*a));
    a->id = id;
    a->dfr = 0xFFFFFFFFu;
    a->svr = 0xFF;
    for (int i = 0; i < LVT_COUNT; i++)
        a->lvt[i] = LVT_MASKED;
    a->timer_deadline = UINT64_MAX;
}

struct lapic *vcpu_lapic(struct vcpu *v)
{
    return &((struct x86_vcpu *)v->arch)->lapic;
}

struct vcpu *lapic_find(struct vm *vm, uint32_t id)
{
    return id < vm->ncpus ? &vm->vcpus[id] : NULL; /* APIC ID i is vCPU i */
}

static unsigned ppr(const struct lapic *a)
{
    int isrv = highest_bit(a->isr);
    unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv & 0xF0;
    return (a->tpr & 0xF0) >= isr_class ? a->tpr & 0xFF : isr_class;
}

int lapic_pending_vector(const struct lapic *a)
{
    int v = highest_bit(a->irr);
    if (v < 0 || ((unsigned)v & 0xF0) <= (ppr(a) & 0xF0))
        return -1;
    return v;
}

void lapic_ack(struct lapic *a, int vector)
{
    clear_bit(a->irr, vector);
    set_bit(a->isr, vector);
    a->irr_pending = highest_bit(a->irr) >= 0;
}

/* EOI: the highest in-service vector is done; a level-triggered one (TMR set) is broadcast to
 * the IOAPIC so its remote IRR clears (the PC's EOI broadcast). */
static void eoi(struct vm *vm, struct lapic *a)
{
    int v = highest_bit(a->isr);
    if (v < 0)
        return;
    clear_bit(a->isr, v);
    if (a->tmr[v >> 5] & (1u << (v & 31)))
        ioapic_eoi(vm, (uint8_t)v);
}

static void timer_sync(struct vcpu *v);

bool lapic_accept(struct vcpu *target, unsigned mode, uint8_t vector, bool level, bool trig_level)
{
    struct lapic *a = vcpu_lapic(target);
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (!(a->svr & SVR_ENABLE))
            return false;
        if (vector < 16) {
            a->esr |= 1u << 5; /* "received illegal vector" */
            return false;
        }
        set_bit(a->irr, vector);
        a->irr_pending = true;
        if (trig_level)
            set_bit(a->tmr, vector);
        else
            clear_bit(a->tmr, vector);
        vcpu_wake(target);
        return true;
    case APIC_DM_REMRD: /* KVM's PV kick: wakes a halted vCPU, else the next halt returns */
        if (target->state == VCPU_HALTED)
            vcpu_wake(target);
        else
            target->pv_unhalted = true;
        return true;
    case APIC_DM_NMI:
        a->nmi_pending = true;
        vcpu_wake(target);
        return true;
    case APIC_DM_INIT:
        if (!level && trig_level)
            return false; /* INIT level de-assert: no effect on modern CPUs */
        if (target->id != 0) {
            /* INIT resets the APIC (software-disabled, nothing pending, LVTs masked: fixed
             * IPIs are refused from now on) and the AP waits for STARTUP. */
            lapic_reset(a, a->id);
            a->init_pending = true;
            target->state = VCPU_STOPPED;
            target->pv_unhalted = false;
            timer_sync(target);
        }
        return true;
    case APIC_DM_EXTINT: /* an IOAPIC entry in ExtINT mode: the vector comes from the 8259 */
        a->extint_requested = true;
        vcpu_wake(target);
        return true;
    case APIC_DM_STARTUP:
        if (!a->init_pending || a->started)
            return false; /* a SIPI is ignored unless the CPU waits for one */
        a->sipi_pending = true;
        a->sipi_vector = vector;
        return true;
    default:
        return false; /* SMI and reserved modes are not modelled */
    }
}

/* Logical (flat/cluster) destination match. */
static bool logical_match(const struct lapic *a, uint8_t dest)
{
    uint8_t ldr = (uint8_t)(a->ldr >> 24);
    if ((a->dfr >> 28) == 0xF)
        return (ldr & dest) != 0;                                /* flat */
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xF) != 0; /* cluster */
}

unsigned lapic_send_icr(struct vcpu *src, uint32_t lo, uint32_t hi)
{
    struct vm *vm = src->vm;
    unsigned mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3, count = 0;
    uint8_t vector = (uint8_t)lo, dest = (uint8_t)(hi >> 24);
    bool level = lo & ICR_LEVEL, trig = lo & ICR_TRIGGER;
    struct vcpu *lowest = NULL;
    for (unsigned i = 0; i < vm->ncpus; i++) {
        struct vcpu *t = &vm->vcpus[i];
        struct lapic *a = vcpu_lapic(t);
        bool hit;
        switch (shorthand) {
        case 1:
            hit = t == src;
            break;
        case 2:
            hit = true;
            break;
        case 3:
            hit = t != src;
            break;
        default:
            if (lo & ICR_DEST_LOGICAL)
                hit = logical_match(a, dest);
            else
                hit = dest == 0xFF || dest == a->id;
            break;
        }
        if (hit && mode == APIC_DM_LOWEST) {
            /* One destination takes it: the enabled APIC with the lowest task priority (the
             * lowest APIC ID among equals), as KVM's lowest-priority arbitration does. */
            if ((a->svr & SVR_ENABLE) && (lowest == NULL || a->tpr < vcpu_lapic(lowest)->tpr))
                lowest = t;
            continue;
        }
        if (hit && lapic_accept(t, mode, vector, level, trig))
            count++;
    }
    if (lowest != NULL && lapic_accept(lowest, APIC_DM_FIXED, vector, level, trig))
        count++;
    return count;
}

static uint64_t divide_of(uint32_t dcr)
{
    unsigned v = ((dcr >> 1) & 4) | (dcr & 3);
    return v == 7 ? 1 : 2ULL << v;
}

/* Arm or disarm the vCPU's timer on the virtual clock to match a->timer_deadline. */
static void timer_sync(struct vcpu *v)
{
    struct x86_vcpu *xv = v->arch;
    uint64_t d = xv->lapic.timer_deadline;
    if (d == UINT64_MAX)
        vtimer_disarm(v->vm, &xv->lapic_timer);
    else if (vtimer_arm(v->vm, &xv->lapic_timer, d) != 0)
        vm_stop(v->vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
}

static void timer_load(struct vcpu *v, struct lapic *a)
{
    struct vm *vm = v->vm;
    a->timer_start = vm->vclock.now;
    if (a->timer_init == 0)
        a->timer_deadline = UINT64_MAX;
    else
        a->timer_deadline = a->timer_start + (uint64_t)a->timer_init * divide_of(a->timer_divide) *
                                                 TIMER_NS_PER_TICK;
    timer_sync(v);
}

static uint32_t timer_current(struct vm *vm, const struct lapic *a)
{
    if (a->timer_init == 0 || a->timer_deadline == UINT64_MAX)
        return 0;
    uint64_t per = divide_of(a->timer_divide) * TIMER_NS_PER_TICK;
    uint64_t elapsed = (vm->vclock.now - a->timer_start) / per;
    if (elapsed >= a->timer_init)
        return 0;
    return a->timer_init - (uint32_t)elapsed;
}

/* Whether the expiry can wake the vCPU: it sleeps, the LVT is unmasked and it takes interrupts.
 * (If not, skipping ahead to the deadline cannot help a VM whose vCPUs all sleep.) */
static bool timer_can_wake(struct vm *vm, void *opaque)
{
    struct vcpu *v = opaque;
    struct lapic *a = vcpu_lapic(v);
    return v->state == VCPU_HALTED && !(a->lvt[LVT_TIMER] & LVT_MASKED) && x86_vcpu_irq_enabled(v);
}

static void timer_fire(struct vm *vm, void *opaque)
{
    struct vcpu *v = opaque;
    struct lapic *a = vcpu_lapic(v);
    uint32_t lvt = a->lvt[LVT_TIMER];
    if (!(lvt & LVT_MASKED))
        lapic_accept(v, APIC_DM_FIXED, (uint8_t)lvt, false, false);
    if ((lvt & LVT_TIMER_MODE) == LVT_PERIODIC && a->timer_init != 0) {
        uint64_t period = (uint64_t)a->timer_init * divide_of(a->timer_divide) * TIMER_NS_PER_TICK;
        a->timer_start = a->timer_deadline;
        a->timer_deadline += period;
        if (a->timer_deadline <= vm->vclock.now) /* do not fire a backlog one by one */
            a->timer_deadline = vm->vclock.now + period;
    } else {
        a->timer_deadline = UINT64_MAX;
    }
    timer_sync(v);
}

int lapic_timer_register(struct vcpu *v)
{
    struct x86_vcpu *xv = v->arch;
    return vtimer_register(v->vm, &xv->lapic_timer, "lapic-timer", timer_fire, timer_can_wake, v);
}

static uint64_t apic_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct vcpu *v = vm->running != NULL ? vm->running : &vm->vcpus[0];
    struct lapic *a = vcpu_lapic(v);
    unsigned reg = (unsigned)(off & 0xFF0);
    uint32_t val = 0;
    if (reg >= 0x100 && reg < 0x180)
        val = a->isr[(reg - 0x100) >> 4];
    else if (reg >= 0x180 && reg < 0x200)
        val = a->tmr[(reg - 0x180) >> 4];
    else if (reg >= 0x200 && reg < 0x280)
        val = a->irr[(reg - 0x200) >> 4];
    else if (reg >= 0x320 && reg <= 0x370)
        val = a->lvt[(reg - 0x320) >> 4];
    else {
        switch (reg) {
        case 0x20:
            val = a->id << 24;
            break;
        case 0x30:
            val = LAPIC_VERSION;
            break;
        case 0x80:
            val = a->tpr;
            break;
        case 0xA0:
            val = ppr(a);
            break;
        case 0xD0:
            val = a->ldr;
            break;
        case 0xE0:
            val = a->dfr;
            break;
        case 0xF0:
            val = a->svr;
            break;
        case 0x280:
            val = a->esr;
            break;
        case 0x300:
            val = a->icr_lo & ~ICR_STATUS; /* delivery is instantaneous: always idle */
            break;
        case 0x310:
            val = a->icr_hi;
            break;
        case 0x380:
            val = a->timer_init;
            break;
        case 0x390:
            val = timer_current(vm, a);
            break;
        case 0x3E0:
            val = a->timer_divide;
            break;
        default:
            val = 0;
        }
    }
    return (uint64_t)val >> (8 * (off & 3));
}

static void apic_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val64)
{
    struct vcpu *v = vm->running != NULL ? vm->running : &vm->vcpus[0];
    struct lapic *a = vcpu_lapic(v);
    uint32_t val = (uint32_t)val64;
    if (!vclock_ready(vm))
        return; /* the write happens again once the clock runs */
    unsigned reg = (unsigned)(off & 0xFF0);
    if (reg >= 0x320 && reg <= 0x370) {
        uint32_t mask = reg == 0x320 ? 0x000710FF : 0x000117FF;
        a->lvt[(reg - 0x320) >> 4] = val & (mask | LVT_MASKED | LVT_TIMER_MODE);
        if (!(a->svr & SVR_ENABLE))
            a->lvt[(reg - 0x320) >> 4] |= LVT_MASKED;
        return;
    }
    switch (reg) {
    case 0x80:
        a->tpr = val & 0xFF;
        break;
    case 0xB0:
        eoi(vm, a);
        break;
    case 0xD0:
        a->ldr = val & 0xFF000000u;
        break;
    case 0xE0:
        a->dfr = val | 0x0FFFFFFFu;
        break;
    case 0xF0:
        a->svr = val & 0x1FF;
        if (!(a->svr & SVR_ENABLE))
            for (int i = 0; i < LVT_COUNT; i++)
                a->lvt[i] |= LVT_MASKED;
        break;
    case 0x280:
        a->esr = 0;
        break;
    case 0x300:
        a->icr_lo = val & ~ICR_STATUS;
        lapic_send_icr(v, a->icr_lo, a->icr_hi);
        break;
    case 0x310:
        a->icr_hi = val & 0xFF000000u;
        return;
    case 0x380:
        a->timer_init = val;
        timer_load(v, a);
        break;
    case 0x3E0:
        a->timer_divide = val & 0xB;
        break;
    default:
        return;
    }
    /* TPR, EOI, ICR, SVR may make an interrupt deliverable now: leave the engine at the next
     * block boundary so the run loop looks. (Stopping inside this callback would make the
     * engine execute the store again.) */
    vclock_kick(vm);
}

static const struct io_ops apic_ops = {"lapic", apic_read, apic_write};

static uint32_t lapic_max_id(struct vm *vm)
{
    return vm->ncpus - 1;
}

static bool lapic_deliver(struct vcpu *target, enum irq_mode mode, uint8_t vector, bool level,
                          bool trig_level)
{
    return lapic_accept(target, (unsigned)mode, vector, level, trig_level);
}

static const struct irqchip_ops lapic_irqchip = {lapic_find, lapic_max_id, lapic_deliver};

bool lapic_extint_ready(struct vcpu *v)
{
    struct lapic *a = vcpu_lapic(v);
    /* KVM's kvm_apic_accept_pic_intr: LINT0 unmasked in ExtINT mode takes the 8259's INTR (the
     * virtual wire); an IOAPIC ExtINT message asks for one INTA too. */
    bool lint0 = v->id == 0 && (a->lvt[LVT_LINT0] & (LVT_MASKED | 0x700)) == 0x700;
    return (lint0 || a->extint_requested) && vm_extint_pending(v->vm);
}

/* INTR changed: wake vCPU 0 if its LINT0 takes it, and make the run loop look. */
static void extint_notify(struct vm *vm, bool level)
{
    struct vcpu *v = &vm->vcpus[0];
    if (!level || !lapic_extint_ready(v))
        return;
    vcpu_wake(v);
    if (vm->vclock.enabled)
        vclock_kick(vm);
}

int lapic_init(struct vm *vm)
{
    vm->irqchip = &lapic_irqchip;
    vm_extint_listen(vm, extint_notify);
    for (unsigned i = 0; i < vm->ncpus; i++) {
        lapic_reset(vcpu_lapic(&vm->vcpus[i]), i);
        int rc = lapic_timer_register(&vm->vcpus[i]);
        if (rc != 0)
            return rc;
    }
    return vm_add_mmio(vm, LAPIC_BASE, SKVM_PAGE_SIZE, &apic_ops, NULL);
}
