/* QEMU's fw_cfg (port interface): a selector port and a data port that reads the chosen item. */
#include <errno.h>
#include <stdio.h>
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

static int fw_cfg_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                         size_t errlen)
{
    struct fw_cfg *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        snprintf(err, errlen, "out of host memory for fw_cfg_io");
        return -ENOMEM;
    }
    uint64_t base = devprop_u64(p, "iobase");
    int rc = iobus_add(&vm->pio, base, 2, &fw_cfg_ops, f);
    if (rc != 0) {
        free(f);
        snprintf(err, errlen, "fw_cfg_io: ports 0x%llx-0x%llx are taken", (unsigned long long)base,
                 (unsigned long long)base + 1);
        return rc;
    }
    *state = f;
    return 0;
}

static void fw_cfg_reset(struct vm *vm, void *state)
{
    memset(state, 0, sizeof(struct fw_cfg));
}

static void fw_cfg_destroy(struct vm *vm, void *state)
{
    free(state);
}

static const struct devprop_def fw_cfg_props[] = {
    {"iobase", DEVPROP_U64, "0x510", 0, 0xFFFE, "selector port (data port follows)"},
};

const struct device_type fw_cfg_type = {
    .name = "fw_cfg_io",
    .desc = "QEMU's fw_cfg, port interface: signature, ID, RAM size, CPU count",
    .props = fw_cfg_props,
    .nprops = 1,
    .create = fw_cfg_create,
    .reset = fw_cfg_reset,
    .destroy = fw_cfg_destroy,
};
