/* The PC's RTC and CMOS RAM (MC146818 at 0x70/0x71): the VM's wall time on the virtual clock,
 * BCD/binary and 12/24 h, UIP, periodic/alarm/update interrupts, QEMU's memory-size bytes. */
#include "softkvm/rtc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "softkvm/arch.h"
#include "softkvm/clock.h"
#include "softkvm/irq.h"
#include "softkvm/timer.h"

#define NS_PER_SEC 1000000000ULL
#define RTC_HZ     32768ULL
#define UIP_NS     244140ULL /* UIP is set this long before an update (8 cycles of 32768 Hz) */
/* The latest time kept (2199-12-31 23:59:59): RTC nanoseconds then stay far inside int64_t. */
#define RTC_MAX_SECS 7258118399ULL

enum {
    REG_SEC = 0x00,
    REG_SEC_ALARM = 0x01,
    REG_MIN = 0x02,
    REG_MIN_ALARM = 0x03,
    REG_HOUR = 0x04,
    REG_HOUR_ALARM = 0x05,
    REG_WDAY = 0x06,
    REG_MDAY = 0x07,
    REG_MONTH = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0A,
    REG_B = 0x0B,
    REG_C = 0x0C,
    REG_D = 0x0D,
    REG_CENTURY = 0x32, /* where QEMU (and ACPI's FADT century field) keep it */
};

#define A_UIP  0x80
#define B_SET  0x80
#define B_PIE  0x40
#define B_AIE  0x20
#define B_UIE  0x10
#define B_DM   0x04 /* binary, not BCD */
#define B_24H  0x02
#define C_IRQF 0x80
#define C_PF   0x40
#define C_AF   0x20
#define C_UF   0x10
#define D_VRT  0x80

struct rtc {
    uint8_t cmos[128];
    uint8_t index;
    bool nmi_disabled; /* port 0x70 bit 7 */
    int64_t base;      /* RTC time in ns since 1970 = base + virtual ns (while it runs) */
    bool held;         /* the divider is held (register A): time stands still */
    uint64_t held_ns;  /* the RTC time while held */
    uint64_t acct_ns;  /* RTC time up to which register C's flags are accounted */
    unsigned irq;
    struct vtimer timer; /* the next interrupt-enabled event */
    uint64_t irqs;       /* interrupts raised (rising edges of the line) */
};

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct tm_rtc {
    unsigned year, month, mday, wday, hour, min, sec; /* wday: 1 = Sunday */
};

static struct tm_rtc civil_from_secs(uint64_t t)
{
    struct tm_rtc tm;
    uint64_t days = t / 86400, rem = t % 86400;
    tm.hour = (unsigned)(rem / 3600);
    tm.min = (unsigned)(rem / 60 % 60);
    tm.sec = (unsigned)(rem % 60);
    tm.wday = (unsigned)((days + 4) % 7) + 1; /* 1970-01-01 was a Thursday */
    uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    tm.mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    tm.month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    tm.year = (unsigned)(yoe + era * 400 + (tm.month <= 2));
    return tm;
}

/* ---- register formats ---- */

static uint8_t enc(const struct rtc *s, unsigned v)
{
    return (uint8_t)(s->cmos[REG_B] & B_DM ? v : (v / 10 % 10) << 4 | v % 10);
}

static unsigned dec(const struct rtc *s, uint8_t v)
{
    return s->cmos[REG_B] & B_DM ? v : (v >> 4) * 10u + (v & 0xF);
}

static uint8_t enc_hour(const struct rtc *s, unsigned h)
{
    if (s->cmos[REG_B] & B_24H)
        return enc(s, h);
    unsigned h12 = h % 12 == 0 ? 12 : h % 12;
    return (uint8_t)(enc(s, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned dec_hour(const struct rtc *s, uint8_t v)
{
    if (s->cmos[REG_B] & B_24H)
        return dec(s, v) % 24;
    unsigned h = dec(s, v & 0x7F) % 12; /* 12 AM is 0 */
    return (v & 0x80) ? h + 12 : h;
}

/* Write the time t (seconds since 1970) into the time registers in the current format. */
static void store_time(struct rtc *s, uint64_t t)
{
    struct tm_rtc tm = civil_from_secs(t);
    s->cmos[REG_SEC] = enc(s, tm.sec);
    s->cmos[REG_MIN] = enc(s, tm.min);
    s->cmos[REG_HOUR] = enc_hour(s, tm.hour);
    s->cmos[REG_WDAY] = enc(s, tm.wday);
    s->cmos[REG_MDAY] = enc(s, tm.mday);
    s->cmos[REG_MONTH] = enc(s, tm.month);
    s->cmos[REG_YEAR] = enc(s, tm.year % 100);
    s->cmos[REG_CENTURY] = enc(s, tm.year / 100 % 100);
}

/* The time the registers hold (out-of-range fields are clamped; before 1970 reads as 1970, after
 * 2199 as its last second). */
static uint64_t load_time(const struct rtc *s)
{
    unsigned month = dec(s, s->cmos[REG_MONTH]), mday = dec(s, s->cmos[REG_MDAY]);
    month = month < 1 ? 1 : month > 12 ? 12 : month;
    mday = mday < 1 ? 1 : mday > 31 ? 31 : mday;
    int64_t year = dec(s, s->cmos[REG_CENTURY]) * 100 + dec(s, s->cmos[REG_YEAR]) % 100;
    int64_t days = days_from_civil(year, month, mday);
    int64_t t = days * 86400 + dec_hour(s, s->cmos[REG_HOUR]) * 3600 +
                (dec(s, s->cmos[REG_MIN]) % 60) * 60 + dec(s, s->cmos[REG_SEC]) % 60;
    return t < 0 ? 0 : (uint64_t)t > RTC_MAX_SECS ? RTC_MAX_SECS : (uint64_t)t;
}

/* ---- time and flags ---- */

static uint64_t rtc_ns(struct vm *vm, const struct rtc *s)
{
    return s->held ? s->held_ns : (uint64_t)(s->base + (int64_t)vm->vclock.now);
}

/* Make the RTC time t_ns from now on (the flags start again from there). */
static void set_rtc_ns(struct vm *vm, struct rtc *s, uint64_t t_ns)
{
    if (s->held)
        s->held_ns = t_ns;
    else
        s->base = (int64_t)t_ns - (int64_t)vm->vclock.now;
    s->acct_ns = t_ns;
}

/* 32768 Hz cycles of RTC time t (the divider chain's count). */
static uint64_t cycles(uint64_t t)
{
    return t / NS_PER_SEC * RTC_HZ + t % NS_PER_SEC * RTC_HZ / NS_PER_SEC;
}

/* The periodic interrupt's period in 32768 Hz cycles (register A's rate select), 0: off. */
static uint64_t period_cycles(const struct rtc *s)
{
    unsigned rs = s->cmos[REG_A] & 0x0F;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7; /* rates 1 and 2 are 256 and 128 Hz, as 8 and 9 */
    return 1ULL << (rs - 1);
}

static bool alarm_matches(const struct rtc *s, uint64_t t)
{
    struct tm_rtc tm = civil_from_secs(t);
    const uint8_t now[3] = {enc(s, tm.sec), enc(s, tm.min), enc_hour(s, tm.hour)};
    const uint8_t alarm[3] = {s->cmos[REG_SEC_ALARM], s->cmos[REG_MIN_ALARM],
                              s->cmos[REG_HOUR_ALARM]};
    for (unsigned i = 0; i < 3; i++)
        if ((alarm[i] & 0xC0) != 0xC0 && alarm[i] != now[i]) /* 0xC0-0xFF: don't care */
            return false;
    return true;
}

/* The line follows IRQF, which is (PF and PIE) or (AF and AIE) or (UF and UIE). */
static void update_irq(struct vm *vm, struct rtc *s)
{
    bool was = s->cmos[REG_C] & C_IRQF;
    if (s->cmos[REG_C] & s->cmos[REG_B] & (C_PF | C_AF | C_UF))
        s->cmos[REG_C] |= C_IRQF;
    else
        s->cmos[REG_C] &= (uint8_t)~C_IRQF;
    bool now = s->cmos[REG_C] & C_IRQF;
    if (now && !was)
        s->irqs++;
    vm_irq_set(vm, s->irq, now);
}

/* Set the flags for what happened between the last accounting and now: periodic edges, update
 * cycles (each second boundary, unless SET inhibits them) and alarms at those updates. */
static void account(struct vm *vm, struct rtc *s)
{
    uint64_t last = s->acct_ns, cur = rtc_ns(vm, s);
    if (cur <= last)
        return;
    s->acct_ns = cur;
    uint64_t period = period_cycles(s);
    if (period != 0 && cycles(cur) / period > cycles(last) / period)
        s->cmos[REG_C] |= C_PF;
    uint64_t sec_last = last / NS_PER_SEC, sec_cur = cur / NS_PER_SEC;
    if (!(s->cmos[REG_B] & B_SET) && sec_cur > sec_last) {
        s->cmos[REG_C] |= C_UF;
        /* At most a day of updates to look at: the alarm repeats within one. */
        uint64_t from = sec_cur - sec_last > 86400 ? sec_cur - 86400 : sec_last + 1;
        for (uint64_t t = from; t <= sec_cur; t++) {
            if (alarm_matches(s, t)) {
                s->cmos[REG_C] |= C_AF;
                break;
            }
        }
    }
    update_irq(vm, s);
}

/* Arm the timer for the next event whose interrupt is enabled. */
static void schedule(struct vm *vm, struct rtc *s)
{
    vtimer_disarm(vm, &s->timer);
    if (s->held)
        return;
    uint64_t t = rtc_ns(vm, s), next = UINT64_MAX, period = period_cycles(s);
    uint8_t b = s->cmos[REG_B];
    if ((b & B_PIE) && period != 0) {
        uint64_t c = (cycles(t) / period + 1) * period;
        next = c / RTC_HZ * NS_PER_SEC + (c % RTC_HZ * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;
    }
    if ((b & (B_AIE | B_UIE)) && !(b & B_SET)) {
        uint64_t sec = (t / NS_PER_SEC + 1) * NS_PER_SEC;
        next = sec < next ? sec : next;
    }
    if (next == UINT64_MAX)
        return;
    if (vtimer_arm(vm, &s->timer, (uint64_t)((int64_t)next - s->base)) != 0)
        vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused the virtual clock's hook");
}

static void rtc_fire(struct vm *vm, void *opaque)
{
    struct rtc *s = opaque;
    account(vm, s);
    schedule(vm, s);
}

static bool rtc_can_wake(struct vm *vm, void *opaque)
{
    for (unsigned i = 0; i < vm->ncpus; i++)
        if (vm->vcpus[i].state == VCPU_HALTED && vm->arch->interrupts_enabled != NULL &&
            vm->arch->interrupts_enabled(&vm->vcpus[i]))
            return true;
    return false;
}

/* ---- registers ---- */

static bool is_time_reg(unsigned r)
{
    return r == REG_SEC || r == REG_MIN || r == REG_HOUR || (r >= REG_WDAY && r <= REG_YEAR) ||
           r == REG_CENTURY;
}

static uint8_t reg_read(struct vm *vm, struct rtc *s, unsigned r)
{
    if (is_time_reg(r)) {
        if (!(s->cmos[REG_B] & B_SET))
            store_time(s, rtc_ns(vm, s) / NS_PER_SEC);
        return s->cmos[r];
    }
    switch (r) {
    case REG_A: {
        uint64_t t = rtc_ns(vm, s);
        bool uip = !s->held && !(s->cmos[REG_B] & B_SET) && t % NS_PER_SEC >= NS_PER_SEC - UIP_NS;
        return (uint8_t)((s->cmos[REG_A] & 0x7F) | (uip ? A_UIP : 0));
    }
    case REG_C: {
        account(vm, s);
        uint8_t v = s->cmos[REG_C];
        s->cmos[REG_C] = 0; /* reading clears every flag, and the interrupt */
        update_irq(vm, s);
        return v;
    }
    case REG_D:
        return D_VRT;
    default:
        return s->cmos[r];
    }
}

static void write_a(struct vm *vm, struct rtc *s, uint8_t val)
{
    account(vm, s);
    bool held = (val & 0x70) > 0x20; /* only divider settings 000-010 let it count */
    if (held && !s->held) {
        s->held_ns = rtc_ns(vm, s);
        s->held = true;
    } else if (!held && s->held) {
        /* Out of reset, the first update comes half a second later. */
        uint64_t t = s->held_ns / NS_PER_SEC * NS_PER_SEC + NS_PER_SEC / 2;
        s->held = false;
        set_rtc_ns(vm, s, t);
    }
    s->cmos[REG_A] = val & 0x7F;
    schedule(vm, s);
}

static void write_b(struct vm *vm, struct rtc *s, uint8_t val)
{
    account(vm, s);
    uint8_t old = s->cmos[REG_B];
    if (val & B_SET)
        val &= (uint8_t)~B_UIE; /* SET clears UIE */
    if ((val & B_SET) && !(old & B_SET)) {
        s->cmos[REG_B] = val;
        store_time(s, rtc_ns(vm, s) / NS_PER_SEC); /* frozen for the guest to write */
    } else if (!(val & B_SET) && (old & B_SET)) {
        s->cmos[REG_B] = val;
        set_rtc_ns(vm, s, load_time(s) * NS_PER_SEC); /* the next update a second later */
    }
    s->cmos[REG_B] = val;
    update_irq(vm, s);
    schedule(vm, s);
}

static void reg_write(struct vm *vm, struct rtc *s, unsigned r, uint8_t val)
{
    if (is_time_reg(r)) {
        if (s->cmos[REG_B] & B_SET) {
            s->cmos[r] = val;
            return;
        }
        /* While it runs, a write sets that field of the current time (QEMU does the same). */
        uint64_t t = rtc_ns(vm, s);
        store_time(s, t / NS_PER_SEC);
        s->cmos[r] = val;
        account(vm, s);
        set_rtc_ns(vm, s, load_time(s) * NS_PER_SEC + t % NS_PER_SEC);
        schedule(vm, s);
        return;
    }
    switch (r) {
    case REG_A:
        write_a(vm, s, val);
        break;
    case REG_B:
        write_b(vm, s, val);
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        s->cmos[r] = val;
        break;
    }
}

/* Time registers and A-D need the virtual clock running (time must advance for a guest that
 * polls them); CMOS RAM does not. */
static bool clock_needed(unsigned r)
{
    return r <= REG_D || r == REG_CENTURY;
}

static uint64_t rtc_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct rtc *s = opaque;
    if (off == 0)
        return 0xFF; /* the index port is write-only (QEMU answers all ones) */
    if (clock_needed(s->index) && !vclock_ready(vm))
        return 0xFF; /* the IN happens again once the clock runs */
    return reg_read(vm, s, s->index);
}

static void rtc_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct rtc *s = opaque;
    if (off == 0) {
        s->index = val & 0x7F;
        s->nmi_disabled = val & 0x80;
        return;
    }
    if (clock_needed(s->index) && !vclock_ready(vm))
        return;
    reg_write(vm, s, s->index, (uint8_t)val);
}

static const struct io_ops rtc_ops = {"mc146818rtc", rtc_read, rtc_write};

bool rtc_nmi_disabled(struct vm *vm)
{
    const struct rtc *s = vm_device_state(vm, "mc146818rtc");
    return s != NULL && s->nmi_disabled;
}

/* The memory sizes QEMU's pc machine writes into CMOS (pc_cmos_init), from the VM's RAM. */
static void memory_bytes(struct vm *vm, struct rtc *s)
{
    uint64_t below = 0, above = 0;
    for (unsigned i = 0; i < vm->regions.n; i++) {
        const struct mem_region *r = &vm->regions.r[i];
        if (r->kind != REGION_RAM && r->kind != REGION_FIRMWARE)
            continue;
        uint64_t end = r->base + r->size, split = 1ULL << 32;
        below += r->base < split ? (end < split ? end : split) - r->base : 0;
        above += end > split ? end - (r->base > split ? r->base : split) : 0;
    }
    uint64_t base_kib = below / 1024 < 640 ? below / 1024 : 640;
    uint64_t ext_kib = below > (1 << 20) ? (below - (1 << 20)) / 1024 : 0;
    uint64_t mid = below > (16 << 20) ? (below - (16 << 20)) / 65536 : 0;
    uint64_t high = above / 65536;
    ext_kib = ext_kib > 65535 ? 65535 : ext_kib;
    mid = mid > 65535 ? 65535 : mid;
    s->cmos[0x15] = (uint8_t)base_kib;
    s->cmos[0x16] = (uint8_t)(base_kib >> 8);
    s->cmos[0x17] = s->cmos[0x30] = (uint8_t)ext_kib;
    s->cmos[0x18] = s->cmos[0x31] = (uint8_t)(ext_kib >> 8);
    s->cmos[0x34] = (uint8_t)mid;
    s->cmos[0x35] = (uint8_t)(mid >> 8);
    s->cmos[0x5B] = (uint8_t)high;
    s->cmos[0x5C] = (uint8_t)(high >> 8);
    s->cmos[0x5D] = (uint8_t)(high >> 16);
    s->cmos[0x5F] = (uint8_t)(vm->ncpus - 1);
}

/* VM reset: what the chip's RESET pin does (interrupt enables and flags cleared, the line
 * low); time, the divider and CMOS RAM are battery-backed and stay. */
static void rtc_reset(struct vm *vm, void *state)
{
    struct rtc *s = state;
    account(vm, s);
    s->cmos[REG_B] &= (uint8_t) ~(B_PIE | B_AIE | B_UIE | 0x08);
    s->cmos[REG_C] = 0;
    s->index = 0;
    s->nmi_disabled = false;
    update_irq(vm, s);
    schedule(vm, s);
}

static int rtc_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                      size_t errlen)
{
    struct rtc *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "out of host memory for mc146818rtc");
        return -ENOMEM;
    }
    uint64_t iobase = devprop_u64(p, "iobase");
    s->irq = (unsigned)devprop_u64(p, "irq");
    if (s->irq >= vm->irq.nlines) {
        snprintf(err, errlen,
                 "mc146818rtc: irq=%u is not an interrupt line of the machine (it has %u)", s->irq,
                 vm->irq.nlines);
        free(s);
        return -EINVAL;
    }
    int rc = iobus_add(&vm->pio, iobase, 2, &rtc_ops, s);
    if (rc != 0) {
        snprintf(err, errlen, "mc146818rtc: ports 0x%llx-0x%llx are taken",
                 (unsigned long long)iobase, (unsigned long long)iobase + 1);
        free(s);
        return rc;
    }
    s->cmos[REG_A] = 0x26;  /* 32768 Hz divider, 1024 Hz periodic rate */
    s->cmos[REG_B] = B_24H; /* BCD, 24 h, interrupts off */
    uint64_t wall = vm->cfg.wallclock < RTC_MAX_SECS ? vm->cfg.wallclock : RTC_MAX_SECS;
    s->base = (int64_t)(wall * NS_PER_SEC) - (int64_t)vm->vclock.now;
    s->acct_ns = rtc_ns(vm, s);
    memory_bytes(vm, s);
    store_time(s, wall);
    vtimer_register(vm, &s->timer, "rtc", rtc_fire, rtc_can_wake, s);
    *state = s;
    return 0;
}

static void rtc_destroy(struct vm *vm, void *state)
{
    struct rtc *s = state;
    vtimer_unregister(vm, &s->timer);
    free(s);
}

static const struct devprop_def rtc_props[] = {
    {"iobase", DEVPROP_U64, "0x70", 0, 0xFFFE, "its index and data ports"},
    {"irq", DEVPROP_U64, "8", 0, IRQ_MAX_LINES - 1, "its interrupt line (ISA IRQ 8)"},
};

const struct device_type mc146818_type = {
    .name = "mc146818rtc",
    .desc = "MC146818 RTC and CMOS RAM: the VM's wall time, periodic/alarm/update interrupts",
    .arch = "x86_64",
    .props = rtc_props,
    .nprops = 2,
    .create = rtc_create,
    .reset = rtc_reset,
    .destroy = rtc_destroy,
};
