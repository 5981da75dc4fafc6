/* A 16550 UART, transmit side only: THR to the console, LSR always "transmitter empty". */
#include <errno.h>
#include <stdlib.h>

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

static void uart_release(void *p)
{
    free(p);
}

int uart16550_init(struct vm *vm, uint64_t base)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (u == NULL)
        return -ENOMEM;
    int rc = vm_own_device(vm, u, uart_release);
    if (rc != 0) {
        free(u);
        return rc;
    }
    return iobus_add(&vm->pio, base, 8, &uart_ops, u);
}
