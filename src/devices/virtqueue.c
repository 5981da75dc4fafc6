/* Split virtqueues in guest memory: layout checks, taking chains from the driver ring, publishing
 * used entries. Little-endian fields (virtio 1.x), every access checked through gmem. */
#include "devices/virtqueue.h"

#include <errno.h>

static int rd16(const struct gmem *gm, gpa_t a, uint16_t *v)
{
    uint8_t b[2];
    if (gmem_read(gm, a, b, 2) != 0)
        return -EFAULT;
    *v = (uint16_t)(b[0] | b[1] << 8);
    return 0;
}

static int wr16(struct gmem *gm, gpa_t a, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return gmem_write(gm, a, b, 2) != 0 ? -EFAULT : 0;
}

int virtq_check(const struct gmem *gm, const struct virtq *q)
{
    if (q->num == 0 || q->num > VIRTQ_MAX_SIZE || (q->num & (q->num - 1)) != 0)
        return -EINVAL;
    if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
        return -EINVAL;
    if (!gmem_in_range(gm, q->desc, 16ULL * q->num) ||
        !gmem_in_range(gm, q->avail, 6 + 2ULL * q->num) ||
        !gmem_in_range(gm, q->used, 6 + 8ULL * q->num))
        return -EFAULT;
    return 0;
}

int virtq_pop(const struct gmem *gm, struct virtq *q, struct virtq_elem *e)
{
    int rc = virtq_check(gm, q);
    if (rc != 0)
        return rc;
    uint16_t avail_idx, head;
    if (rd16(gm, q->avail + 2, &avail_idx) != 0)
        return -EFAULT;
    uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
    if (pending == 0)
        return 0;
    if (pending > q->num)
        return -EINVAL;
    if (rd16(gm, q->avail + 4 + 2ULL * (q->last_avail % q->num), &head) != 0)
        return -EFAULT;
    e->head = head;
    e->nseg = 0;
    uint16_t i = head;
    for (;;) {
        if (i >= q->num || e->nseg >= VIRTQ_MAX_SEGS || e->nseg >= q->num)
            return -EINVAL;
        uint8_t d[16];
        if (gmem_read(gm, q->desc + 16ULL * i, d, sizeof(d)) != 0)
            return -EFAULT;
        uint64_t addr = 0;
        for (int k = 7; k >= 0; k--)
            addr = addr << 8 | d[k];
        uint32_t len =
            (uint32_t)d[8] | (uint32_t)d[9] << 8 | (uint32_t)d[10] << 16 | (uint32_t)d[11] << 24;
        uint16_t flags = (uint16_t)(d[12] | d[13] << 8);
        uint16_t next = (uint16_t)(d[14] | d[15] << 8);
        if (flags & VIRTQ_DESC_F_INDIRECT)
            return -EINVAL;
        if (!gmem_in_range(gm, addr, len))
            return -EFAULT;
        e->seg[e->nseg++] = (struct virtq_seg){addr, len, (flags & VIRTQ_DESC_F_WRITE) != 0};
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        i = next;
    }
    q->last_avail++;
    return 1;
}

int virtq_push(struct gmem *gm, struct virtq *q, uint16_t head, uint32_t len)
{
    int rc = virtq_check(gm, q);
    if (rc != 0)
        return rc;
    gpa_t ent = q->used + 4 + 8ULL * (q->used_idx % q->num);
    if (gmem_write_le32(gm, ent, head) != 0 || gmem_write_le32(gm, ent + 4, len) != 0)
        return -EFAULT;
    q->used_idx++;
    return wr16(gm, q->used + 2, q->used_idx);
}
