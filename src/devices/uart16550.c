/* A 16550 UART, transmit side only: THR to the console, LSR always "transmitter empty". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"

#define UART_THR 0
#define UART_IER 1
#define UART_LCR 3
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct uart {
    uint8_t lcr, ier, scratch, dll, dlm;
};

static uint64_t uart_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;
    switch (off) {
    case 0:
        return dlab ? u->dll : 0; /* RBR: nothing received */
    case UART_IER:
        return dlab ? u->dlm : u->ier;
    case 2:
        return 0x01; /* IIR: no interrupt pending */
    case UART_LCR:
        return u->lcr;
    case UART_LSR:
        return LSR_THRE | LSR_TEMT;
    case 7:
        return u->scratch;
    default:
        return 0;
    }
}

static void uart_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;
    switch (off) {
    case UART_THR:
        if (dlab)
            u->dll = (uint8_t)val;
        else
            vm_console_putc(vm, (uint8_t)val);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = (uint8_t)val;
        else
            u->ier = (uint8_t)val & 0x0F;
        break;
    case UART_LCR:
        u->lcr = (uint8_t)val;
        break;
    case 7:
        u->scratch = (uint8_t)val;
        break;
    default:
        break;
    }
}

static const struct io_ops uart_ops = {"uart16550", uart_read, uart_write};

static int uart_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                       size_t errlen)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        snprintf(err, errlen, "out of host memory for isa-serial");
        return -ENOMEM;
    }
    uint64_t base = devprop_u64(p, "iobase");
    int rc = iobus_add(&vm->pio, base, 8, &uart_ops, u);
    if (rc != 0) {
        free(u);
        snprintf(err, errlen, "isa-serial: ports 0x%llx-0x%llx are taken", (unsigned long long)base,
                 (unsigned long long)base + 7);
        return rc;
    }
    *state = u;
    return 0;
}

static void uart_reset(struct vm *vm, void *state)
{
    memset(state, 0, sizeof(struct uart));
}

static void uart_destroy(struct vm *vm, void *state)
{
    free(state);
}

static const struct devprop_def uart_props[] = {
    {"iobase", DEVPROP_U64, "0x3f8", 0, 0xFFF8, "first of its 8 ports"},
};

const struct device_type uart16550_type = {
    .name = "isa-serial",
    .desc = "16550 UART, transmit side (THR to the console)",
    .props = uart_props,
    .nprops = 1,
    .create = uart_create,
    .reset = uart_reset,
    .destroy = uart_destroy,
};
