/* QEMU's fw_cfg (port interface): a selector port and a data port that reads the chosen item. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID        0x01
#define FW_CFG_RAM_SIZE  0x03
#define FW_CFG_NB_CPUS   0x05
#define FW_CFG_MAX_CPUS  0x0f

struct fw_cfg {
    uint16_t key;
    uint32_t offset;
};

/* The bytes of item key, little-endian as QEMU's legacy items; returns the length (0: none). */
static unsigned item(struct vm *vm, uint16_t key, uint8_t out[8])
{
    uint64_t v;
    unsigned len;
    switch (key) {
    case FW_CFG_SIGNATURE:
        memcpy(out, "QEMU", 4);
        return 4;
    case FW_CFG_ID:
        v = 1; /* traditional interface only */
        len = 4;
        break;
    case FW_CFG_RAM_SIZE:
        v = vm->mem.size;
        len = 8;
        break;
    case FW_CFG_NB_CPUS:
    case FW_CFG_MAX_CPUS:
        v = vm->ncpus;
        len = 2;
        break;
    default:
        return 0;
    }
    for (unsigned i = 0; i < len; i++)
        out[i] = (uint8_t)(v >> (8 * i));
    return len;
}

static uint64_t fw_cfg_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (off != 1)
        return 0; /* the selector port reads nothing useful */
    uint64_t val = 0;
    uint8_t buf[8];
    unsigned len = item(vm, f->key, buf);
    for (unsigned i = 0; i < size; i++, f->offset++)
        if (f->offset < len)
            val |= (uint64_t)buf[f->offset] << (8 * i);
    return val; /* past the end of an item (or an unknown one): zeros */
}

static void fw_cfg_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct fw_cfg *f = opaque;
    if (off == 0) {
        f->key = (uint16_t)val;
        f->offset = 0;
    }
}

static const struct io_ops fw_cfg_ops = {"fw_cfg", fw_cfg_read, fw_cfg_write};

int fw_cfg_init(struct vm *vm, uint64_t port)
{
    struct fw_cfg *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -ENOMEM;
    int rc = vm_own_device(vm, f, free);
    if (rc != 0) {
        free(f);
        return rc;
    }
    return iobus_add(&vm->pio, port, 2, &fw_cfg_ops, f);
}
