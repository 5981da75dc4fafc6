/* The DIAGNOSE function code is the low 16 bits of (B2 ? r[B2] : 0) + D2 (KVM's rule): codes
 * built from a base register are hypercalls when they come to 0x500, and are not when they do
 * not, whatever the literal displacement says. Other codes: 0x44 is a no-op, the rest get a
 * specification exception. */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

static struct s390_irq_frame last;

static void record(struct s390_irq_frame *f)
{
    last = *f;
}

/* r1 = 4 (storage limit), r2 = 55, r5 = base; DIAGNOSE with the given B2/D2 operand. Returns r2
 * and stores the DIAGNOSE's address. */
#define DIAG_WITH(operand, base, at)                                                               \
    ({                                                                                             \
        register unsigned long r1_ __asm__("1") = 4;                                               \
        register long r2_ __asm__("2") = 55;                                                       \
        register unsigned long r5_ __asm__("5") = (base);                                          \
        uint64_t a_;                                                                               \
        __asm__ volatile("larl %0,0f\n0:\tdiag 2,4," operand                                       \
                         : "=&a"(a_), "+d"(r2_)                                                    \
                         : "d"(r1_), "d"(r5_)                                                      \
                         : "memory", "cc");                                                        \
        *(at) = a_;                                                                                \
        r2_;                                                                                       \
    })

static void expect_spec(uint32_t before, uint64_t at, long r2)
{
    EXPECT_EQ(last.count, before + 1);
    EXPECT_EQ(last.code, S390_PGM_SPECIFICATION);
    EXPECT_EQ(last.psw.addr, at + 4);
    EXPECT_EQ(r2, 55);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_diag_basereg");
    s390_set_program_handler(record);
    long limit = (long)(bi->ram_size - 1);
    uint64_t at;

    /* Hypercalls: the code comes to 0x500 in the low 16 bits. */
    EXPECT_EQ(DIAG_WITH("0(%%r5)", 0x500, &at), limit);
    EXPECT_EQ(DIAG_WITH("0x100(%%r5)", 0x400, &at), limit);
    EXPECT_EQ(DIAG_WITH("0x500(%%r5)", 0x10000, &at), limit);
    EXPECT_EQ(DIAG_WITH("0(%%r5)", 0xFFFFFFFFFFFF0500UL, &at), limit);
    EXPECT_EQ(DIAG_WITH("0xfff(%%r5)", 0xF501, &at), limit); /* 0xF501 + 0xfff = 0x10500 */
    EXPECT_EQ(DIAG_WITH("0x500", 0x1234, &at), limit);       /* B2 = 0: no base */
    EXPECT_EQ(last.count, 0);

    /* The literal displacement is 0x500 but the base moves the code off it: no hypercall. */
    uint32_t n = last.count;
    long r2 = DIAG_WITH("0x500(%%r5)", 1, &at);
    expect_spec(n, at, r2);
    n = last.count;
    r2 = DIAG_WITH("0x500(%%r5)", 0xFFFF, &at); /* 0x104ff */
    expect_spec(n, at, r2);
    n = last.count;
    r2 = DIAG_WITH("0(%%r5)", 0x308, &at); /* IPL: not implemented */
    expect_spec(n, at, r2);

    /* 0x44 (time-slice end) through a base register: a no-op, nothing changes. */
    n = last.count;
    EXPECT_EQ(DIAG_WITH("0x40(%%r5)", 4, &at), 55);
    EXPECT_EQ(last.count, n);

    /* The same site with different bases: hypercall, then not, then hypercall. */
    for (int i = 0; i < 3; i++) {
        unsigned long bases[3] = {0x500, 0x600, 0x10500};
        n = last.count;
        r2 = DIAG_WITH("0(%%r5)", bases[i], &at);
        if (i == 1)
            expect_spec(n, at, r2);
        else
            EXPECT_EQ(r2, limit);
    }
    test_done();
}
