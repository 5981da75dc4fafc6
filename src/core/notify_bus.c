/* The notification bus: registration of (subchannel id, queue) handlers and cookie-first delivery.
 */
#include "softkvm/notify_bus.h"

#include <errno.h>
#include <stdlib.h>

#include "softkvm/vm.h"

int notify_bus_create(struct vm *vm)
{
    if (vm->notify_bus != NULL)
        return 0;
    struct notify_bus *bus = calloc(1, sizeof(*bus));
    if (bus == NULL)
        return -ENOMEM;
    vm->notify_bus = bus; /* vm_destroy frees it */
    return 0;
}

int notify_bus_add(struct notify_bus *bus, uint32_t id, uint16_t queue, notify_fn fn, void *opaque,
                   const char *name)
{
    if (fn == NULL || name == NULL)
        return -EINVAL;
    for (unsigned i = 0; i < bus->n; i++)
        if (bus->e[i].id == id && bus->e[i].queue == queue)
            return -EEXIST;
    if (bus->n >= NOTIFY_BUS_MAX)
        return -ENOSPC;
    bus->e[bus->n] = (struct notify_entry){id, queue, fn, opaque, name};
    return (int)bus->n++;
}

int notify_bus_notify(struct vm *vm, struct notify_bus *bus, uint32_t id, uint16_t queue,
                      int64_t cookie)
{
    int found = -1;
    if (cookie >= 0 && (uint64_t)cookie < bus->n && bus->e[cookie].id == id &&
        bus->e[cookie].queue == queue) {
        found = (int)cookie;
    } else {
        bus->searches++;
        for (unsigned i = 0; i < bus->n && found < 0; i++)
            if (bus->e[i].id == id && bus->e[i].queue == queue)
                found = (int)i;
    }
    if (found < 0)
        return -ENOENT;
    bus->notifies++;
    bus->e[found].fn(vm, bus->e[found].opaque, queue);
    return found;
}
