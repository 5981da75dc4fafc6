/* 32-bit PC guest runtime: console on the 16550 at 0x3F8, exit through isa-debug-exit. */
#include "guest/pc/pc.h"

void arch_putc(char c)
{
    while (!(inb(0x3F8 + 5) & 0x20)) /* LSR: transmitter holding register empty */
        ;
    outb(0x3F8, (uint8_t)c);
}

void testdev_putc(char c)
{
    arch_putc(c);
}

void guest_exit(int status)
{
    outl(PC_DEBUG_EXIT_PORT, (uint32_t)status);
    for (;;)
        __asm__ volatile("cli; hlt");
}
