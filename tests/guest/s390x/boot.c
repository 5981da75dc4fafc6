/* s390x boot contract: PSW, registers, control registers, prefix and lowcore at entry, the boot
 * information block, and the storage limit DIAGNOSE 0x500 reports. */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

int kmain(const struct skvm_boot_info *bi)
{
    const struct s390_entry_state *e = &s390_entry_state;
    test_start("s390x_boot");

    /* PSW: 64-bit addressing, supervisor state, DAT, I/O and external interrupts off, key 0. */
    EXPECT_EQ(e->psw_mask, S390_PSW_64);
    EXPECT_EQ(s390_psw_mask() & ~S390_PSW_CC, S390_PSW_64);

    /* r2: the boot information block; r3: RAM size; r15: stack top minus a save area. */
    EXPECT_EQ(e->gpr[2], 0x2000);
    EXPECT_EQ((uintptr_t)bi, 0x2000);
    EXPECT_EQ(e->gpr[3], bi->ram_size);
    EXPECT_EQ(e->gpr[15], 0x10000 - 160);
    for (int r = 0; r < 16; r++)
        if (r != 2 && r != 3 && r != 15)
            EXPECT_EQ(e->gpr[r], 0);

    /* Control registers after an initial CPU reset, prefix 0. */
    EXPECT_EQ(e->cr[0], 0xE0);
    EXPECT_EQ(e->cr[14], 0xC2000000);
    for (int c = 1; c < 16; c++)
        if (c != 14)
            EXPECT_EQ(e->cr[c], 0);
    EXPECT_EQ(s390_read_cr(0), 0xE0);
    EXPECT_EQ(s390_read_cr(14), 0xC2000000);
    EXPECT_EQ(e->prefix, 0);
    EXPECT_EQ(s390_prefix(), 0);

    /* The lowcore is clear: no interruption handlers until the guest installs them. */
    EXPECT_EQ(e->pgm_new.mask, 0);
    EXPECT_EQ(e->pgm_new.addr, 0);
    EXPECT_EQ(e->svc_new.mask, 0);
    EXPECT_EQ(e->svc_new.addr, 0);

    /* The boot information block, big-endian. */
    EXPECT_EQ(bi->magic, SKVM_BOOT_MAGIC);
    EXPECT_EQ(bi->version, SKVM_BOOT_VERSION);
    EXPECT_EQ(bi->ncpus, 1);
    EXPECT_EQ(bi->flags, 0);
    EXPECT_EQ(bi->testdev_base, SKVM_TESTDEV_BASE);
    EXPECT_EQ(bi->boot_area_end, 0x10000);
    EXPECT_EQ(bi->x86_pml4, 0);
    CHECK(bi->ram_size >= (2u << 20) && bi->ram_size % (1u << 20) == 0);

    /* RAM is guest-physical 0 .. size - 1: the last byte is usable. */
    volatile uint8_t *last = (volatile uint8_t *)(uintptr_t)(bi->ram_size - 1);
    *last = 0x5A;
    EXPECT_EQ(*last, 0x5A);
    EXPECT_EQ(kvm_hypercall0(DIAG500_STORAGE_LIMIT), bi->ram_size - 1);
    CHECK(kvm_para_available());
    EXPECT_EQ(kvm_arch_para_features(), 0);

    gprintf("ram %lu MiB\n", (unsigned long)(bi->ram_size >> 20));
    test_done();
}
