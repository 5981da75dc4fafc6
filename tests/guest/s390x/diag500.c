/* DIAGNOSE 0x500 subcodes: 4 (storage limit), 3 (virtio-ccw notify) to no device, and the
 * subcodes that get a specification exception (0-2, the old s390-virtio transport, and unknown
 * ones), with the old PSW past the DIAGNOSE and r2 untouched. */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

static struct s390_irq_frame last;

static void record(struct s390_irq_frame *f)
{
    last = *f; /* the old PSW already points past the DIAGNOSE: resume there */
}

/* DIAGNOSE 0x500 with r1 = nr, r2 = p1; *at = the DIAGNOSE's address. Returns r2. */
static long diag_at(unsigned long nr, unsigned long p1, uint64_t *at)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    uint64_t addr;
    __asm__ volatile("larl %0,0f\n0:\tdiag 2,4,0x500"
                     : "=&a"(addr), "+d"(r2)
                     : "d"(r1)
                     : "memory", "cc");
    *at = addr;
    return r2;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_diag500");
    s390_set_program_handler(record);

    /* Subcode 4: the highest usable absolute address. */
    EXPECT_EQ(kvm_hypercall0(DIAG500_STORAGE_LIMIT), bi->ram_size - 1);
    EXPECT_EQ(kvm_hypercall6(DIAG500_STORAGE_LIMIT, 1, 2, 3, 4, 5, 6), bi->ram_size - 1);
    EXPECT_EQ(last.count, 0);

    /* Subcode 3 to a subchannel no device registered: -EINVAL, as QEMU answers. */
    EXPECT_EQ(kvm_hypercall3(KVM_S390_VIRTIO_CCW_NOTIFY, 0x0001ffff, 0, 0), -KVM_EINVAL);
    EXPECT_EQ(kvm_hypercall3(KVM_S390_VIRTIO_CCW_NOTIFY, 0x00010000, 9, 0), -KVM_EINVAL);
    EXPECT_EQ(last.count, 0);

    /* Specification exception: code 6, ILC 2 (4 bytes), old PSW past the DIAGNOSE, supervisor
     * state, r2 as it was. */
    static const unsigned long bad[] = {KVM_S390_VIRTIO_NOTIFY,
                                        KVM_S390_VIRTIO_RESET,
                                        KVM_S390_VIRTIO_SET_STATUS,
                                        5,
                                        15,
                                        16,
                                        0xFFFF,
                                        1UL << 40,
                                        (unsigned long)-1,
                                        0x100000003UL};
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        uint32_t before = last.count;
        uint64_t at;
        long r2 = diag_at(bad[i], 0x1234500 + i, &at);
        EXPECT_EQ(last.count, before + 1);
        EXPECT_EQ(last.code, S390_PGM_SPECIFICATION);
        EXPECT_EQ(last.ilen, 4);
        EXPECT_EQ(last.psw.addr, at + 4);
        EXPECT_EQ(last.psw.mask & ~S390_PSW_CC, S390_PSW_64);
        EXPECT_EQ(last.gpr[1], bad[i]);
        EXPECT_EQ(r2, 0x1234500 + i);
    }
    /* r1 is the whole 64-bit register: 0x100000003 is not subcode 3 (checked above), and a
     * valid subcode still works after the exceptions. */
    EXPECT_EQ(kvm_hypercall0(DIAG500_STORAGE_LIMIT), bi->ram_size - 1);
    test_done();
}
