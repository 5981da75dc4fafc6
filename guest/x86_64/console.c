/* x86-64 guest console: bytes out through the 16550 UART at port 0x3F8. */
#include "guest/x86_64/x86.h"

#define UART_THR      0x3F8 /* transmit holding register (DLAB = 0) */
#define UART_LSR      0x3FD /* line status register */
#define UART_LSR_THRE 0x20

void arch_putc(char c)
{
    /* Bounded, so a UART that never reports "empty" loses output rather than hanging. */
    for (unsigned spins = 0; spins < (1u << 20); spins++) {
        if (x86_inb(UART_LSR) & UART_LSR_THRE)
            break;
    }
    x86_outb(UART_THR, (uint8_t)c);
}
