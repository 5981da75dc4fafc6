/* s390x guest side of softkvm's virtio console: one transmit queue of 16 entries, buffers kicked
 * with DIAGNOSE 0x500 subcode 3 (virtio-ccw notify). Rings are little-endian (virtio 1.x). */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

#define QSZ 16

struct vdesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

static struct vdesc desc[QSZ] __attribute__((aligned(16)));
static struct {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[QSZ];
    uint16_t used_event;
} avail __attribute__((aligned(2)));
static struct {
    uint16_t flags;
    uint16_t idx;
    struct {
        uint32_t id;
        uint32_t len;
    } ring[QSZ];
    uint16_t avail_event;
} used __attribute__((aligned(4)));
static uint16_t next_avail;

static void set64(unsigned off, uint64_t v)
{
    vcon_set(off, (uint32_t)(v >> 32));
    vcon_set(off + 4, (uint32_t)v);
}

int vcon_init(void)
{
    if (vcon_reg(VCON_MAGIC) != 0x76697274u || vcon_reg(VCON_DEVICE_ID) != 3)
        return -1;
    memset(desc, 0, sizeof(desc));
    memset(&avail, 0, sizeof(avail));
    memset(&used, 0, sizeof(used));
    next_avail = 0;
    vcon_set(VCON_QUEUE_SEL, S390_VCON_TXQ);
    vcon_set(VCON_QUEUE_NUM, QSZ);
    set64(VCON_QUEUE_DESC, (uint64_t)(uintptr_t)desc);
    set64(VCON_QUEUE_AVAIL, (uint64_t)(uintptr_t)&avail);
    set64(VCON_QUEUE_USED, (uint64_t)(uintptr_t)&used);
    vcon_set(VCON_QUEUE_READY, 1);
    return vcon_reg(VCON_QUEUE_READY) == 1 ? 0 : -1;
}

long vcon_write(const void *buf, unsigned len, long *cookie)
{
    unsigned slot = next_avail % QSZ;
    desc[slot].addr = __builtin_bswap64((uint64_t)(uintptr_t)buf);
    desc[slot].len = __builtin_bswap32(len);
    desc[slot].flags = 0;
    desc[slot].next = 0;
    avail.ring[slot] = __builtin_bswap16((uint16_t)slot);
    __asm__ volatile("" ::: "memory");
    next_avail++;
    avail.idx = __builtin_bswap16(next_avail);
    long r = kvm_hypercall3(KVM_S390_VIRTIO_CCW_NOTIFY, S390_VCON_SCHID, S390_VCON_TXQ,
                            (unsigned long)*cookie);
    if (r < 0)
        return r;
    *cookie = r;
    if (__builtin_bswap16(used.idx) != next_avail || __builtin_bswap32(used.ring[slot].id) != slot)
        return -1;
    return r;
}
