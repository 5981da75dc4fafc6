/* s390x guest SDK: PSW and lowcore layout, interruption handlers, control-register and prefix
 * access, the entry state softkvm handed over, and the virtio console on the notify bus. */
#ifndef GUEST_S390X_S390_H
#define GUEST_S390X_S390_H

#include "guest/softkvm_guest.h"

/* ---- PSW ---- */
#define S390_PSW_PER      0x4000000000000000UL
#define S390_PSW_DAT      0x0400000000000000UL
#define S390_PSW_IO       0x0200000000000000UL
#define S390_PSW_EXT      0x0100000000000000UL
#define S390_PSW_MCHK     0x0004000000000000UL
#define S390_PSW_WAIT     0x0002000000000000UL
#define S390_PSW_PSTATE   0x0001000000000000UL /* problem state */
#define S390_PSW_CC       0x0000300000000000UL
#define S390_PSW_EA       0x0000000100000000UL
#define S390_PSW_BA       0x0000000080000000UL
#define S390_PSW_64       (S390_PSW_EA | S390_PSW_BA)
#define S390_PSW_CC_SHIFT 44

struct s390_psw {
    uint64_t mask;
    uint64_t addr;
};

/* ---- Lowcore (real addresses 0 .. 8 KiB, relocated by the prefix) ---- */
#define S390_LC_SVC_ILEN    0x088
#define S390_LC_SVC_CODE    0x08A
#define S390_LC_PGM_ILEN    0x08C
#define S390_LC_PGM_CODE    0x08E
#define S390_LC_SVC_OLD_PSW 0x140
#define S390_LC_PGM_OLD_PSW 0x150
#define S390_LC_SVC_NEW_PSW 0x1C0
#define S390_LC_PGM_NEW_PSW 0x1D0
#define S390_LC_SDK_SAVE    0x200 /* 0x200-0x28F: the SDK's interruption entry uses these */

/* Program-interruption codes. */
#define S390_PGM_OPERATION     0x01
#define S390_PGM_PRIVILEGED    0x02
#define S390_PGM_ADDRESSING    0x05
#define S390_PGM_SPECIFICATION 0x06

/* ---- Interruptions ---- */
enum s390_irq_kind { S390_IRQ_PROGRAM = 1, S390_IRQ_SVC = 2 };

/* What the SDK's interruption entry saved. The handler may change gpr[] and psw: the entry
 * loads them back when the handler returns (psw is the old PSW: where the guest resumes). */
struct s390_irq_frame {
    uint64_t gpr[16];
    struct s390_psw psw;
    uint32_t code;  /* interruption code */
    uint32_t ilen;  /* instruction length in bytes (ILC * 2) as stored in the lowcore */
    uint32_t kind;  /* enum s390_irq_kind */
    uint32_t count; /* interruptions of this kind so far, this one included */
};

typedef void (*s390_irq_handler)(struct s390_irq_frame *f);

/* Install h for program / SVC interruptions. NULL restores the default handler, which prints
 * the interruption and ends the run with status 3. Handlers must not take interruptions
 * themselves (the entry has one save area). */
void s390_set_program_handler(s390_irq_handler h);
void s390_set_svc_handler(s390_irq_handler h);

/* The lowcore's program / SVC new PSWs as crt0 sets them (pointing at the SDK's entries). */
void s390_install_new_psws(void);

/* Entry points the new PSWs point at (isr.S). */
extern char s390_pgm_entry[], s390_svc_entry[];

/* ---- Registers the API cannot name in C ---- */
static inline uint64_t s390_psw_mask(void)
{
    uint64_t hi, lo;
    __asm__ volatile("epsw %0,%1" : "=d"(hi), "=d"(lo));
    return (hi & 0xFFFFFFFFUL) << 32 | (lo & 0xFFFFFFFFUL);
}

static inline uint32_t s390_prefix(void)
{
    uint32_t p;
    __asm__ volatile("stpx %0" : "=Q"(p));
    return p;
}

#define s390_read_cr(n)                                                                            \
    ({                                                                                             \
        uint64_t cr_;                                                                              \
        __asm__ volatile("stctg " #n "," #n ",%0" : "=S"(cr_));                                    \
        cr_;                                                                                       \
    })

/* ---- The state softkvm handed over at entry, recorded by crt0 before anything changed ---- */
struct s390_entry_state {
    uint64_t gpr[16];
    uint64_t psw_mask; /* from EPSW: bits 0-63 of the PSW mask */
    uint64_t cr[16];
    uint32_t prefix;
    uint32_t pad;
    struct s390_psw pgm_new; /* lowcore program new PSW at entry */
    struct s390_psw svc_new; /* lowcore SVC new PSW at entry */
};

extern struct s390_entry_state s390_entry_state;

/* ---- virtio console on the notification bus (docs/platform.md) ---- */
#define S390_VCON_BASE  0xF0001000UL
#define S390_VCON_SCHID 0x00010000UL
#define S390_VCON_RXQ   0
#define S390_VCON_TXQ   1

/* Register offsets of the console's MMIO window (32-bit registers). */
#define VCON_MAGIC         0x00
#define VCON_VERSION       0x04
#define VCON_DEVICE_ID     0x08
#define VCON_SCHID         0x0C
#define VCON_NUM_QUEUES    0x10
#define VCON_QUEUE_SEL     0x14
#define VCON_QUEUE_NUM_MAX 0x18
#define VCON_QUEUE_NUM     0x1C
#define VCON_QUEUE_DESC    0x20 /* 64-bit: high word, then low word */
#define VCON_QUEUE_AVAIL   0x28
#define VCON_QUEUE_USED    0x30
#define VCON_QUEUE_READY   0x38
#define VCON_STATUS        0x3C
#define VCON_TX_BYTES      0x40
#define VCON_NOTIFIES      0x44

static inline uint32_t vcon_reg(unsigned off)
{
    return *(volatile uint32_t *)(S390_VCON_BASE + off);
}

static inline void vcon_set(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(S390_VCON_BASE + off) = v;
}

/* Set up the transmit queue (16 entries, rings inside the SDK). Returns 0 or -1. */
int vcon_init(void);

/* Queue buf[0 .. len) on the transmit queue and notify with DIAGNOSE 0x500 subcode 3, passing
 * *cookie and storing the cookie softkvm returns. Returns that return value (the bus index,
 * or -KVM_EINVAL) after checking that softkvm marked the buffer used; -1 if it did not. */
long vcon_write(const void *buf, unsigned len, long *cookie);

#endif
