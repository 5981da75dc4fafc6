/* Fuzz target: the split-virtqueue walk a device does (descriptor chains the guest wrote:
 * loops, long chains, lengths that wrap, rings and buffers at the end of RAM) on 64 KiB of
 * guest RAM the input fills, with the queue's layout from the input. Every segment it hands
 * out must lie inside RAM. */
#include "devices/virtqueue.h"
#include "fuzz.h"

#define RAM (64u << 10)

static struct gmem ram;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ram.size == 0 && gmem_init(&ram, RAM) != 0)
        abort();
    struct fuzz_in in = {data, size};
    struct virtq q;
    /* Layout: small numbers near the end of RAM as often as anywhere. */
    uint8_t shape = (uint8_t)fuzz_take(&in, 1);
    q.num = 1u << (fuzz_take(&in, 1) % 17);
    if (shape & 1)
        q.num = (uint32_t)fuzz_take(&in, 4); /* anything, even not a power of 2 */
    gpa_t *rings[3] = {&q.desc, &q.avail, &q.used};
    for (unsigned i = 0; i < 3; i++) {
        uint64_t v = fuzz_take(&in, (shape & 2) ? 8 : 2);
        *rings[i] = (shape & (4 << i)) ? RAM - (v & 0xFFF) : v;
    }
    q.last_avail = (uint16_t)fuzz_take(&in, 2);
    q.used_idx = (uint16_t)fuzz_take(&in, 2);
    memset(ram.host, 0, RAM);
    memcpy(ram.host, in.p, in.left < RAM ? in.left : RAM);
    int rc = virtq_check(&ram, &q);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EFAULT);
    if (rc != 0)
        return 0;
    for (unsigned round = 0; round < 64; round++) {
        struct virtq_elem e;
        rc = virtq_pop(&ram, &q, &e);
        FUZZ_CHECK(rc == 1 || rc == 0 || rc == -EINVAL || rc == -EFAULT);
        if (rc != 1)
            break;
        FUZZ_CHECK(e.head < q.num && e.nseg <= VIRTQ_MAX_SEGS);
        uint32_t total = 0;
        for (unsigned s = 0; s < e.nseg; s++) {
            FUZZ_CHECK(gmem_in_range(&ram, e.seg[s].addr, e.seg[s].len));
            total += e.seg[s].len;
        }
        FUZZ_CHECK(virtq_push(&ram, &q, e.head, total) == 0);
    }
    return 0;
}
