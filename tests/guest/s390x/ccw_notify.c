/* virtio-ccw notification through DIAGNOSE 0x500 subcode 3, end to end: the console's transmit
 * queue printed and marked used, the cookie round trip (the bus index comes back and works when
 * passed in again; a wrong or invalid cookie still finds the device), queue and subchannel
 * matching, and a bad buffer address that the device reports without harming softkvm. */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

static long notify(unsigned long schid, unsigned long queue, long cookie)
{
    return kvm_hypercall3(KVM_S390_VIRTIO_CCW_NOTIFY, schid, queue, (unsigned long)cookie);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_ccw_notify");

    /* The device. */
    EXPECT_EQ(vcon_reg(VCON_MAGIC), 0x76697274);
    EXPECT_EQ(vcon_reg(VCON_DEVICE_ID), 3);
    EXPECT_EQ(vcon_reg(VCON_SCHID), S390_VCON_SCHID);
    EXPECT_EQ(vcon_reg(VCON_NUM_QUEUES), 2);
    EXPECT_EQ(vcon_init(), 0);

    /* First notify with no cookie: the transmit queue's bus index comes back. */
    static const char msg[] = "hello through the virtio console\n";
    long cookie = -1;
    long idx = vcon_write(msg, sizeof(msg) - 1, &cookie);
    CHECK(idx >= 0);
    EXPECT_EQ(cookie, idx);
    EXPECT_EQ(vcon_reg(VCON_TX_BYTES), sizeof(msg) - 1);

    /* The cookie passed back: same index. A wrong index, a stale one, garbage: still found. */
    static const char more[] = "second line\n";
    EXPECT_EQ(vcon_write(more, sizeof(more) - 1, &cookie), idx);
    EXPECT_EQ(cookie, idx);
    long wrong[] = {idx ^ 1, 31, 1000, -5, 0x7FFFFFFFFFFFFFFFL};
    for (unsigned i = 0; i < ARRAY_SIZE(wrong); i++) {
        long c = wrong[i];
        EXPECT_EQ(vcon_write("x", 1, &c), idx);
        EXPECT_EQ(c, idx);
    }
    EXPECT_EQ(vcon_reg(VCON_TX_BYTES), sizeof(msg) - 1 + sizeof(more) - 1 + ARRAY_SIZE(wrong));

    /* The receive queue is another bus entry of the same subchannel. */
    long rx = notify(S390_VCON_SCHID, S390_VCON_RXQ, -1);
    CHECK(rx >= 0);
    EXPECT_NE(rx, idx);
    EXPECT_EQ(notify(S390_VCON_SCHID, S390_VCON_RXQ, rx), rx);
    EXPECT_EQ(notify(S390_VCON_SCHID, S390_VCON_RXQ, idx), rx);

    /* Matching: the low 32 bits of r2 are the subchannel id, the low 16 bits of r3 the queue
     * (bits 16-31 carry notification data). */
    uint32_t before = vcon_reg(VCON_NOTIFIES);
    EXPECT_EQ(notify(0xFFFFFFFF00000000UL | S390_VCON_SCHID, S390_VCON_TXQ, idx), idx);
    EXPECT_EQ(notify(S390_VCON_SCHID, 0x00070000UL | S390_VCON_TXQ, idx), idx);
    EXPECT_EQ(vcon_reg(VCON_NOTIFIES), before + 2);
    EXPECT_EQ(notify(S390_VCON_SCHID, 2, idx), -KVM_EINVAL);
    EXPECT_EQ(notify(S390_VCON_SCHID + 1, S390_VCON_TXQ, idx), -KVM_EINVAL);
    EXPECT_EQ(notify(0, 0, 0), -KVM_EINVAL);
    EXPECT_EQ(vcon_reg(VCON_NOTIFIES), before + 2);

    /* A buffer outside RAM: the device fails (DEVICE_NEEDS_RESET), softkvm carries on. */
    EXPECT_EQ(vcon_reg(VCON_STATUS) & 0x40, 0);
    long c = idx;
    EXPECT_EQ(vcon_write((const void *)(uintptr_t)(bi->ram_size + 0x1000), 16, &c), -1);
    EXPECT_EQ(vcon_reg(VCON_STATUS) & 0x40, 0x40);
    /* Reset and set up again: works. */
    vcon_set(VCON_STATUS, 0);
    EXPECT_EQ(vcon_reg(VCON_STATUS), 0);
    EXPECT_EQ(vcon_init(), 0);
    c = idx;
    EXPECT_EQ(vcon_write("after reset\n", 12, &c), idx);

    /* Rings that do not fit in RAM are refused when the queue is made ready. */
    vcon_set(VCON_STATUS, 0);
    vcon_set(VCON_QUEUE_SEL, S390_VCON_TXQ);
    vcon_set(VCON_QUEUE_NUM, 16);
    vcon_set(VCON_QUEUE_DESC, 0);
    vcon_set(VCON_QUEUE_DESC + 4, (uint32_t)(bi->ram_size - 64));
    vcon_set(VCON_QUEUE_READY, 1);
    EXPECT_EQ(vcon_reg(VCON_QUEUE_READY), 0);
    EXPECT_EQ(vcon_reg(VCON_STATUS) & 0x40, 0x40);
    test_done();
}
