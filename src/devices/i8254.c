/* The 8254 programmable interval timer (0x40-0x43) and port 0x61 (channel 2's gate and output,
 * the speaker enable): six modes, latch and read-back, BCD, on the virtual clock at 1.193182 MHz.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "softkvm/arch.h"
#include "softkvm/clock.h"
#include "softkvm/irq.h"
#include "softkvm/timer.h"

#define PIT_HZ     1193182ULL
#define NS_PER_SEC 1000000000ULL

/* Read/write access modes (control word bits 5:4), and the second-byte states of word access. */
enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3, RW_WORD_MSB = 4 };

struct pit_channel {
    uint8_t mode, rw, bcd;
    uint8_t read_state, write_state, write_lsb;
    uint32_t count;      /* the reload value in clocks: 1 .. 0x10000 (10000 in BCD) */
    bool loaded;         /* a count was written since the control word */
    bool running;        /* the counting element counts (loaded; triggered in modes 1, 5) */
    bool gate;           /* channel 2: port 0x61 bit 0; channels 0 and 1: always high */
    bool paused;         /* modes 0, 4 with the gate low: counting suspended at paused_at */
    bool null_count;     /* status bit 6: a control word came, no count yet */
    uint64_t start;      /* input clock (tick) at which the count started */
    uint64_t paused_at;  /* elapsed ticks when suspended */
    uint32_t frozen;     /* what the counter reads while it does not count */
    uint8_t latch_state; /* RW_* of a latched count being read, RW_LATCH: none latched */
    uint16_t latched;
    bool status_latched;
    uint8_t status;
};

struct i8254 {
    struct pit_channel ch[3];
    struct vtimer timer; /* channel 0's next OUT event */
    unsigned irq;        /* the line channel 0 drives */
    uint64_t iobase;
    bool speaker;        /* port 0x61 bit 1 (speaker data enable; no sound is made) */
    bool refresh;        /* port 0x61 bit 4: toggles on each read, as QEMU's does */
    uint64_t irq_events; /* rising edges channel 0 produced */
};

/* Virtual ns -> input clocks (floor), and the first ns at which tick t has been reached. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_SEC * PIT_HZ + ns % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

static uint64_t ticks_to_ns(uint64_t t)
{
    return t / PIT_HZ * NS_PER_SEC + (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t now_ticks(struct vm *vm)
{
    return ns_to_ticks(vm->vclock.now);
}

/* Clocks counted since the count started (or until it was suspended). */
static uint64_t elapsed(struct vm *vm, const struct pit_channel *c)
{
    return c->paused ? c->paused_at : now_ticks(vm) - c->start;
}

static uint32_t to_bcd(uint32_t v)
{
    return (v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12;
}

static uint32_t from_bcd(uint32_t v)
{
    return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}

/* The counter's value now (in the channel's number format). */
static uint16_t get_count(struct vm *vm, const struct pit_channel *c)
{
    uint32_t modulus = c->bcd ? 10000 : 0x10000, v;
    if (!c->running) {
        v = c->frozen;
    } else {
        uint64_t d = elapsed(vm, c);
        switch (c->mode) {
        case 2:
            v = c->count - (uint32_t)(d % c->count);
            break;
        case 3: /* counts down by two, twice per period */
            v = c->count - (uint32_t)((2 * d) % c->count);
            break;
        default: /* 0, 1, 4, 5: down once, wrapping past zero */
            v = (uint32_t)((c->count + modulus - d % modulus) % modulus);
            break;
        }
        v %= modulus;
    }
    return (uint16_t)(c->bcd ? to_bcd(v) : v);
}

/* OUT now. */
static bool get_out(struct vm *vm, const struct pit_channel *c)
{
    uint64_t d = c->running ? elapsed(vm, c) : 0;
    switch (c->mode) {
    case 0:
        return c->running && d >= c->count;
    case 1:
        return !c->running || d >= c->count;
    case 2:
        return !c->running || !c->gate || d % c->count != c->count - 1;
    case 3:
        return !c->running || !c->gate || d % c->count < (c->count + 1) / 2;
    default: /* 4, 5: a one-clock low strobe when the count reaches zero */
        return !c->running || d != c->count;
    }
}

/* Channel 0 drives its line: the level of OUT in modes 0 and 1, a pulse at each rising edge of
 * OUT in modes 2-5 (one timer event per period). Arm the timer for the next event. */
static void ch0_schedule(struct vm *vm, struct i8254 *s)
{
    struct pit_channel *c = &s->ch[0];
    vtimer_disarm(vm, &s->timer);
    if (!c->running || c->paused || (c->mode >= 2 && c->mode <= 3 && !c->gate))
        return;
    uint64_t d = elapsed(vm, c), next;
    if (c->mode == 2 || c->mode == 3)
        next = (d / c->count + 1) * c->count;
    else if (d < c->count)
        next = c->count;
    else
        return; /* one-shot modes: the event is past */
    if (vtimer_arm(vm, &s->timer, ticks_to_ns(c->start + next)) != 0)
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
}

static void ch0_fire(struct vm *vm, void *opaque)
{
    struct i8254 *s = opaque;
    struct pit_channel *c = &s->ch[0];
    s->irq_events++;
    if (c->mode <= 1)
        vm_irq_set(vm, s->irq, true);
    else
        vm_irq_pulse(vm, s->irq);
    ch0_schedule(vm, s); /* a late clock gives one pulse, not the backlog */
}

/* The PIT can wake a vCPU that sleeps with interrupts enabled (whether the line reaches it is
 * the interrupt controllers' business). */
static bool ch0_can_wake(struct vm *vm, void *opaque)
{
    for (unsigned i = 0; i < vm->ncpus; i++)
        if (vm->vcpus[i].state == VCPU_HALTED && vm->arch->interrupts_enabled != NULL &&
            vm->arch->interrupts_enabled(&vm->vcpus[i]))
            return true;
    return false;
}

/* A channel changed: channel 0's line and timer follow. */
static void changed(struct vm *vm, struct i8254 *s, unsigned n)
{
    if (n != 0)
        return;
    vm_irq_set(vm, s->irq, s->ch[0].mode <= 1 && get_out(vm, &s->ch[0]));
    ch0_schedule(vm, s);
}

static void start_counting(struct vm *vm, struct pit_channel *c)
{
    if ((c->mode == 2 || c->mode == 3) && !c->gate) {
        c->running = false; /* waits for the gate's rising edge */
        c->frozen = c->count % (c->bcd ? 10000 : 0x10000);
        return;
    }
    c->running = true;
    c->paused = false;
    c->start = now_ticks(vm);
    if ((c->mode == 0 || c->mode == 4) && !c->gate) {
        c->paused = true; /* waits for the gate */
        c->paused_at = 0;
    }
}

static void load_count(struct vm *vm, struct i8254 *s, unsigned n, uint32_t raw)
{
    struct pit_channel *c = &s->ch[n];
    uint32_t v = c->bcd ? from_bcd(raw) : raw;
    c->count = v != 0 ? v : (c->bcd ? 10000 : 0x10000);
    c->loaded = true;
    c->null_count = false;
    /* Modes 1 and 5 wait for a gate trigger; the others start on the load (a new count in modes
     * 2 and 3 restarts the period at once, where the chip would finish the current one). */
    if (c->mode == 1 || c->mode == 5) {
        if (!c->running)
            c->frozen = c->count % (c->bcd ? 10000 : 0x10000);
    } else {
        start_counting(vm, c);
    }
    changed(vm, s, n);
}

static void set_gate(struct vm *vm, struct i8254 *s, unsigned n, bool gate)
{
    struct pit_channel *c = &s->ch[n];
    bool was = c->gate;
    c->gate = gate;
    if (gate == was || !c->loaded)
        return;
    switch (c->mode) {
    case 0:
    case 4: /* the gate suspends counting */
        if (!gate && c->running && !c->paused) {
            c->paused_at = elapsed(vm, c);
            c->paused = true;
        } else if (gate && c->paused) {
            c->start = now_ticks(vm) - c->paused_at;
            c->paused = false;
        }
        break;
    case 1:
    case 5: /* a rising gate (re)triggers */
        if (gate)
            start_counting(vm, c);
        break;
    default: /* 2, 3: low stops (OUT high), rising reloads */
        if (gate) {
            start_counting(vm, c);
        } else {
            c->frozen = get_count(vm, c);
            c->running = false;
            if (c->bcd)
                c->frozen = from_bcd(c->frozen);
        }
        break;
    }
    changed(vm, s, n);
}

static void latch_count(struct vm *vm, struct pit_channel *c)
{
    if (c->latch_state != RW_LATCH)
        return; /* a latched count stays until read */
    c->latched = get_count(vm, c);
    c->latch_state = c->rw;
}

static void control_word(struct vm *vm, struct i8254 *s, uint8_t val)
{
    unsigned n = val >> 6;
    if (n == 3) { /* read-back: bit 5 low latches counts, bit 4 low latches status */
        for (unsigned i = 0; i < 3; i++) {
            struct pit_channel *c = &s->ch[i];
            if (!(val & (2u << i)))
                continue;
            if (!(val & 0x20))
                latch_count(vm, c);
            if (!(val & 0x10) && !c->status_latched) {
                c->status = (uint8_t)(get_out(vm, c) << 7 | c->null_count << 6 | c->rw << 4 |
                                      c->mode << 1 | c->bcd);
                c->status_latched = true;
            }
        }
        return;
    }
    struct pit_channel *c = &s->ch[n];
    unsigned rw = (val >> 4) & 3;
    if (rw == RW_LATCH) {
        latch_count(vm, c);
        return;
    }
    c->frozen = get_count(vm, c);
    if (c->bcd)
        c->frozen = from_bcd(c->frozen);
    c->rw = (uint8_t)rw;
    c->read_state = c->write_state = (uint8_t)rw;
    c->mode = (val >> 1) & 7;
    if (c->mode >= 6)
        c->mode -= 4; /* 6 and 7 are modes 2 and 3 */
    c->bcd = val & 1;
    c->loaded = false;
    c->running = false;
    c->paused = false;
    c->null_count = true;
    c->latch_state = RW_LATCH;
    c->status_latched = false;
    changed(vm, s, n);
}

static void data_write(struct vm *vm, struct i8254 *s, unsigned n, uint8_t val)
{
    struct pit_channel *c = &s->ch[n];
    switch (c->write_state) {
    case RW_LSB:
        load_count(vm, s, n, val);
        break;
    case RW_MSB:
        load_count(vm, s, n, (uint32_t)val << 8);
        break;
    case RW_WORD:
        c->write_lsb = val;
        c->write_state = RW_WORD_MSB;
        if (c->mode == 0) { /* the first byte stops a mode 0 count (OUT low) */
            c->frozen = get_count(vm, c);
            if (c->bcd)
                c->frozen = from_bcd(c->frozen);
            c->running = false;
            changed(vm, s, n);
        }
        break;
    case RW_WORD_MSB:
        c->write_state = RW_WORD;
        load_count(vm, s, n, c->write_lsb | (uint32_t)val << 8);
        break;
    default:
        break; /* no access mode yet: ignored */
    }
}

static uint8_t data_read(struct vm *vm, struct pit_channel *c)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latch_state != RW_LATCH) {
        uint16_t v = c->latched;
        switch (c->latch_state) {
        case RW_MSB:
            c->latch_state = RW_LATCH;
            return (uint8_t)(v >> 8);
        case RW_WORD:
            c->latch_state = RW_WORD_MSB;
            return (uint8_t)v;
        case RW_LSB:
            c->latch_state = RW_LATCH;
            return (uint8_t)v;
        default: /* RW_WORD_MSB: the second byte of a word */
            c->latch_state = RW_LATCH;
            return (uint8_t)(v >> 8);
        }
    }
    uint16_t v = get_count(vm, c);
    switch (c->read_state) {
    case RW_LSB:
        return (uint8_t)v;
    case RW_MSB:
        return (uint8_t)(v >> 8);
    case RW_WORD:
        c->read_state = RW_WORD_MSB;
        return (uint8_t)v;
    case RW_WORD_MSB:
        c->read_state = RW_WORD;
        return (uint8_t)(v >> 8);
    default:
        return 0;
    }
}

static uint64_t pit_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct i8254 *s = opaque;
    return off < 3 ? data_read(vm, &s->ch[off]) : 0xFF; /* the control port reads nothing */
}

static void pit_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct i8254 *s = opaque;
    if (!vclock_ready(vm))
        return; /* the write happens again once the clock runs */
    if (off == 3)
        control_word(vm, s, (uint8_t)val);
    else
        data_write(vm, s, (unsigned)off, (uint8_t)val);
}

static uint64_t port61_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct i8254 *s = opaque;
    s->refresh = !s->refresh;
    return (uint64_t)(s->ch[2].gate | s->speaker << 1 | s->refresh << 4 |
                      get_out(vm, &s->ch[2]) << 5);
}

static void port61_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct i8254 *s = opaque;
    if (!vclock_ready(vm))
        return;
    s->speaker = val & 0x02;
    set_gate(vm, s, 2, val & 0x01);
}

static const struct io_ops pit_ops = {"i8254", pit_read, pit_write};
static const struct io_ops port61_ops = {"port61", port61_read, port61_write};

static void pit_reset(struct vm *vm, void *state)
{
    struct i8254 *s = state;
    vtimer_disarm(vm, &s->timer);
    memset(s->ch, 0, sizeof(s->ch));
    /* As before a BIOS programs it: mode 0, no count, OUT low. Gates 0 and 1 are tied high. */
    s->ch[0].gate = s->ch[1].gate = true;
    s->speaker = s->refresh = false;
    vm_irq_set(vm, s->irq, false);
}

static int pit_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                      size_t errlen)
{
    struct i8254 *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "out of host memory for isa-pit");
        return -ENOMEM;
    }
    s->iobase = devprop_u64(p, "iobase");
    s->irq = (unsigned)devprop_u64(p, "irq");
    if (s->irq >= vm->irq.nlines) {
        snprintf(err, errlen, "isa-pit: irq=%u is not an interrupt line of the machine (it has %u)",
                 s->irq, vm->irq.nlines);
        free(s);
        return -EINVAL;
    }
    int rc = iobus_add(&vm->pio, s->iobase, 4, &pit_ops, s);
    if (rc == 0 && (rc = iobus_add(&vm->pio, 0x61, 1, &port61_ops, s)) != 0)
        iobus_remove(&vm->pio, s->iobase);
    if (rc != 0) {
        snprintf(err, errlen, "isa-pit: ports 0x%llx-0x%llx or 0x61 are taken",
                 (unsigned long long)s->iobase, (unsigned long long)s->iobase + 3);
        free(s);
        return rc;
    }
    vtimer_register(vm, &s->timer, "pit-ch0", ch0_fire, ch0_can_wake, s);
    pit_reset(vm, s);
    *state = s;
    return 0;
}

static void pit_destroy(struct vm *vm, void *state)
{
    struct i8254 *s = state;
    vtimer_unregister(vm, &s->timer);
    free(s);
}

static const struct devprop_def pit_props[] = {
    {"iobase", DEVPROP_U64, "0x40", 0, 0xFFFC, "its four ports"},
    {"irq", DEVPROP_U64, "2", 0, IRQ_MAX_LINES - 1,
     "channel 0's interrupt line (GSI 2: ISA IRQ 0)"},
};

const struct device_type i8254_type = {
    .name = "isa-pit",
    .desc = "8254 interval timer at 1.193182 MHz, with port 0x61 (channel 2 gate and output)",
    .arch = "x86_64",
    .props = pit_props,
    .nprops = 2,
    .create = pit_create,
    .reset = pit_reset,
    .destroy = pit_destroy,
};
