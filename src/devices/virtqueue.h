/* Split virtqueues (virtio 1.x layout, little-endian) as a device sees them: every ring and
 * buffer access goes through checked guest-memory access, so a bad guest address is an error
 * code, never a host access outside guest RAM. */
#ifndef SOFTKVM_DEVICES_VIRTQUEUE_H
#define SOFTKVM_DEVICES_VIRTQUEUE_H

#include "softkvm/gmem.h"

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_MAX_SIZE        32768 /* largest queue size virtio allows */
#define VIRTQ_MAX_SEGS        16    /* longest descriptor chain a device here takes */

/* One queue, as the driver configured it. */
struct virtq {
    uint32_t num;        /* entries: a power of 2, 1 .. VIRTQ_MAX_SIZE */
    gpa_t desc;          /* descriptor table: num * 16 bytes, 16-byte aligned */
    gpa_t avail;         /* driver ring: 6 + 2 * num bytes, 2-byte aligned */
    gpa_t used;          /* device ring: 6 + 8 * num bytes, 4-byte aligned */
    uint16_t last_avail; /* the next driver-ring entry the device takes */
    uint16_t used_idx;   /* the device-ring index the device publishes next */
};

/* One buffer segment of a descriptor chain. */
struct virtq_seg {
    gpa_t addr;
    uint32_t len;
    bool write; /* device-writable (VIRTQ_DESC_F_WRITE) */
};

/* A descriptor chain taken from the driver ring. */
struct virtq_elem {
    uint16_t head; /* first descriptor: what the used ring reports */
    unsigned nseg;
    struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Check the layout: num a power of 2 in range, each ring aligned and wholly inside guest RAM.
 * Returns 0, -EINVAL (size or alignment) or -EFAULT (outside RAM). */
int virtq_check(const struct gmem *gm, const struct virtq *q);

/* Take the next available chain into e. Returns 1 (e filled, q->last_avail advanced), 0 (the
 * driver ring holds nothing new), -EFAULT (a ring or descriptor outside RAM, or a segment
 * whose buffer is) or -EINVAL (a head or next index >= num, a chain longer than
 * VIRTQ_MAX_SEGS or than num, an indirect descriptor, or a driver index more than num ahead). */
int virtq_pop(const struct gmem *gm, struct virtq *q, struct virtq_elem *e);

/* Publish chain head as used with len bytes written by the device: the used-ring entry, then
 * the used index. Returns 0, or an error from virtq_check (nothing written). */
int virtq_push(struct gmem *gm, struct virtq *q, uint16_t head, uint32_t len);

#endif
