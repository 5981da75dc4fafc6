/* The notification bus: (subchannel id, virtqueue index) -> device handler, with KVM's cookie
 * (the device's bus index, tried first). s390 DIAGNOSE 0x500 subcode 3 (virtio-ccw notify)
 * lands here; it is generic, so any arch or device can use it. */
#ifndef SOFTKVM_NOTIFY_BUS_H
#define SOFTKVM_NOTIFY_BUS_H

#include "softkvm/types.h"

struct vm;

#define NOTIFY_BUS_MAX 32

/* A device's notification handler for one (id, queue). Runs synchronously in the notify. */
typedef void (*notify_fn)(struct vm *vm, void *opaque, uint64_t queue);

struct notify_entry {
    uint32_t id;    /* subchannel id (the 32-bit schid word) */
    uint16_t queue; /* virtqueue index */
    notify_fn fn;
    void *opaque;
    const char *name;
};

struct notify_bus {
    struct notify_entry e[NOTIFY_BUS_MAX]; /* index = the cookie the guest gets back */
    unsigned n;
    uint64_t notifies; /* notifications delivered */
    uint64_t searches; /* of which the cookie did not name the entry (full search) */
};

/* Create vm's bus (vm->notify_bus), owned and released by the VM. Idempotent. Returns 0,
 * -ENOMEM or -ENOSPC (the VM owns too many devices). */
int notify_bus_create(struct vm *vm);

/* Register fn for (id, queue). Returns the entry's bus index (>= 0), or -EINVAL (NULL fn or
 * name), -EEXIST (the pair is taken) or -ENOSPC (bus full). */
int notify_bus_add(struct notify_bus *bus, uint32_t id, uint16_t queue, notify_fn fn, void *opaque,
                   const char *name);

/* Deliver a notification for (id, queue): the entry at index cookie is tried first (any cookie
 * that is not a valid index is simply not used), then the others in index order. Calls the
 * matching handler and returns its bus index, or -ENOENT when no device registered the pair. */
int notify_bus_notify(struct vm *vm, struct notify_bus *bus, uint32_t id, uint16_t queue,
                      int64_t cookie);

#endif
