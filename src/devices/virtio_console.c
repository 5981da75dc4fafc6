/* A minimal virtio console on the notification bus: the guest configures its queues through a
 * small MMIO window and kicks them with DIAGNOSE 0x500 subcode 3; transmitted buffers go to the
 * console and are marked used. Register layout in docs/platform.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "devices/virtqueue.h"
#include "softkvm/mmio.h"
#include "softkvm/notify_bus.h"

#define VCON_MAGIC         0x76697274u /* "virt" */
#define VCON_VERSION       1u
#define VCON_DEVICE_ID     3u /* virtio console */
#define VCON_QUEUES        2u /* 0 receiveq, 1 transmitq */
#define VCON_QUEUE_NUM_MAX 256u
#define VCON_STATUS_FAILED 0x40u /* virtio DEVICE_NEEDS_RESET */

enum vcon_reg {
    R_MAGIC = 0x00,
    R_VERSION = 0x04,
    R_DEVICE_ID = 0x08,
    R_SCHID = 0x0C,
    R_NUM_QUEUES = 0x10,
    R_QUEUE_SEL = 0x14,
    R_QUEUE_NUM_MAX = 0x18,
    R_QUEUE_NUM = 0x1C,
    R_QUEUE_DESC_HI = 0x20,
    R_QUEUE_DESC_LO = 0x24,
    R_QUEUE_AVAIL_HI = 0x28,
    R_QUEUE_AVAIL_LO = 0x2C,
    R_QUEUE_USED_HI = 0x30,
    R_QUEUE_USED_LO = 0x34,
    R_QUEUE_READY = 0x38,
    R_STATUS = 0x3C,
    R_TX_BYTES = 0x40,
    R_NOTIFIES = 0x44,
};

struct vcon {
    uint32_t schid;
    uint32_t queue_sel;
    uint32_t status;
    uint64_t tx_bytes;
    uint64_t notifies;
    struct virtq q[VCON_QUEUES];
    bool ready[VCON_QUEUES];
};

static uint64_t hi_lo(uint64_t v, bool hi)
{
    return hi ? v >> 32 : v & 0xFFFFFFFFu;
}

static void set_hi_lo(uint64_t *v, bool hi, uint32_t val)
{
    if (hi)
        *v = (*v & 0xFFFFFFFFu) | (uint64_t)val << 32;
    else
        *v = (*v & ~0xFFFFFFFFULL) | val;
}

static uint64_t vcon_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct vcon *c = opaque;
    if (size != 4)
        return 0;
    struct virtq *q = c->queue_sel < VCON_QUEUES ? &c->q[c->queue_sel] : NULL;
    switch (off) {
    case R_MAGIC:
        return VCON_MAGIC;
    case R_VERSION:
        return VCON_VERSION;
    case R_DEVICE_ID:
        return VCON_DEVICE_ID;
    case R_SCHID:
        return c->schid;
    case R_NUM_QUEUES:
        return VCON_QUEUES;
    case R_QUEUE_SEL:
        return c->queue_sel;
    case R_QUEUE_NUM_MAX:
        return q != NULL ? VCON_QUEUE_NUM_MAX : 0;
    case R_QUEUE_NUM:
        return q != NULL ? q->num : 0;
    case R_QUEUE_DESC_HI:
    case R_QUEUE_DESC_LO:
        return q != NULL ? hi_lo(q->desc, off == R_QUEUE_DESC_HI) : 0;
    case R_QUEUE_AVAIL_HI:
    case R_QUEUE_AVAIL_LO:
        return q != NULL ? hi_lo(q->avail, off == R_QUEUE_AVAIL_HI) : 0;
    case R_QUEUE_USED_HI:
    case R_QUEUE_USED_LO:
        return q != NULL ? hi_lo(q->used, off == R_QUEUE_USED_HI) : 0;
    case R_QUEUE_READY:
        return q != NULL && c->ready[c->queue_sel];
    case R_STATUS:
        return c->status;
    case R_TX_BYTES:
        return c->tx_bytes & 0xFFFFFFFFu;
    case R_NOTIFIES:
        return c->notifies & 0xFFFFFFFFu;
    default:
        return 0;
    }
}

static void vcon_reset(struct vcon *c)
{
    for (unsigned i = 0; i < VCON_QUEUES; i++) {
        c->q[i] = (struct virtq){0};
        c->ready[i] = false;
    }
    c->status = 0;
    c->queue_sel = 0;
}

static void vcon_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct vcon *c = opaque;
    if (size != 4)
        return;
    uint32_t v = (uint32_t)val;
    unsigned sel = c->queue_sel;
    struct virtq *q = sel < VCON_QUEUES ? &c->q[sel] : NULL;
    /* A queue's layout is fixed while it is ready, as virtio requires. */
    bool writable = q != NULL && !c->ready[sel];
    switch (off) {
    case R_QUEUE_SEL:
        c->queue_sel = v;
        break;
    case R_QUEUE_NUM:
        if (writable)
            q->num = v;
        break;
    case R_QUEUE_DESC_HI:
    case R_QUEUE_DESC_LO:
        if (writable)
            set_hi_lo(&q->desc, off == R_QUEUE_DESC_HI, v);
        break;
    case R_QUEUE_AVAIL_HI:
    case R_QUEUE_AVAIL_LO:
        if (writable)
            set_hi_lo(&q->avail, off == R_QUEUE_AVAIL_HI, v);
        break;
    case R_QUEUE_USED_HI:
    case R_QUEUE_USED_LO:
        if (writable)
            set_hi_lo(&q->used, off == R_QUEUE_USED_HI, v);
        break;
    case R_QUEUE_READY:
        if (q == NULL)
            break;
        if (v == 0) {
            c->ready[sel] = false;
        } else if (!c->ready[sel]) {
            if (q->num <= VCON_QUEUE_NUM_MAX && virtq_check(&vm->mem, q) == 0) {
                q->last_avail = q->used_idx = 0;
                c->ready[sel] = true;
            } else {
                c->status |= VCON_STATUS_FAILED;
            }
        }
        break;
    case R_STATUS:
        if (v == 0)
            vcon_reset(c);
        else
            c->status = v;
        break;
    default:
        break;
    }
}

/* Write the device-readable segments of a chain to the console. Returns 0 or -EFAULT. */
static int vcon_print(struct vm *vm, struct vcon *c, const struct virtq_elem *e)
{
    for (unsigned s = 0; s < e->nseg; s++) {
        const struct virtq_seg *g = &e->seg[s];
        if (g->write)
            continue;
        uint8_t buf[256];
        for (uint64_t done = 0; done < g->len;) {
            uint64_t n = g->len - done < sizeof(buf) ? g->len - done : sizeof(buf);
            if (gmem_read(&vm->mem, g->addr + done, buf, n) != 0)
                return -EFAULT;
            for (uint64_t i = 0; i < n; i++)
                vm_console_putc(vm, buf[i]);
            done += n;
            c->tx_bytes += n;
        }
    }
    return 0;
}

/* transmitq: print every new buffer, then mark it used (0 bytes written by the device). */
static void vcon_notify_tx(struct vm *vm, void *opaque, uint64_t queue)
{
    struct vcon *c = opaque;
    c->notifies++;
    if (!c->ready[1])
        return;
    struct virtq_elem e;
    int rc;
    /* At most num chains per kick: a driver index that keeps moving cannot hold us here. */
    for (uint32_t n = 0; n < c->q[1].num && (rc = virtq_pop(&vm->mem, &c->q[1], &e)) != 0; n++) {
        if (rc < 0 || vcon_print(vm, c, &e) != 0 ||
            virtq_push(&vm->mem, &c->q[1], e.head, 0) != 0) {
            c->status |= VCON_STATUS_FAILED;
            return;
        }
    }
}

/* receiveq: softkvm has no console input, so buffers stay with the device. */
static void vcon_notify_rx(struct vm *vm, void *opaque, uint64_t queue)
{
    struct vcon *c = opaque;
    c->notifies++;
}

static const struct io_ops vcon_ops = {"virtio-console", vcon_read, vcon_write};

static int vcon_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                       size_t errlen)
{
    uint64_t base = devprop_u64(p, "base");
    uint32_t schid = (uint32_t)devprop_u64(p, "schid");
    int rc = notify_bus_create(vm);
    struct vcon *c = rc == 0 ? calloc(1, sizeof(*c)) : NULL;
    if (c == NULL) {
        snprintf(err, errlen, "out of host memory for the virtio console");
        return -ENOMEM;
    }
    c->schid = schid;
    rc = notify_bus_add(vm->notify_bus, schid, 0, vcon_notify_rx, c, "virtio-console rx");
    if (rc >= 0)
        rc = notify_bus_add(vm->notify_bus, schid, 1, vcon_notify_tx, c, "virtio-console tx");
    if (rc >= 0)
        rc = vm_add_mmio(vm, base, SKVM_PAGE_SIZE, &vcon_ops, c);
    if (rc < 0) {
        free(c);
        snprintf(err, errlen, "virtio console: subchannel 0x%x or MMIO at 0x%llx is taken",
                 (unsigned)schid, (unsigned long long)base);
        return rc;
    }
    *state = c;
    return 0;
}

static void vcon_power_on(struct vm *vm, void *state)
{
    vcon_reset(state);
}

static void vcon_destroy(struct vm *vm, void *state)
{
    free(state);
}

static const struct devprop_def vcon_props[] = {
    {"base", DEVPROP_U64, NULL, 0, UINT64_MAX - 0xFFF, "guest-physical base of its registers"},
    {"schid", DEVPROP_U64, NULL, 0, 0xFFFFFFFF, "subchannel id its queues are kicked as"},
};

const struct device_type virtio_console_type = {
    .name = "softkvm-virtio-console",
    .desc = "virtio console, kicked through the notification bus (s390 DIAGNOSE 0x500)",
    .props = vcon_props,
    .nprops = 2,
    .create = vcon_create,
    .reset = vcon_power_on,
    .destroy = vcon_destroy,
};
