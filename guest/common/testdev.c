/* Guest exit and console through softkvm's test device (the softkvm boards of every arch). */
#include "guest/softkvm_guest.h"

static volatile uint8_t *testdev(void)
{
    return (volatile uint8_t *)SKVM_TESTDEV_BASE;
}

void guest_exit(int status)
{
    *(volatile uint32_t *)(testdev() + SKVM_TESTDEV_EXIT) = (uint32_t)status;
    for (;;)
        __asm__ volatile("" ::: "memory");
}

void testdev_putc(char c)
{
    *(volatile uint8_t *)(testdev() + SKVM_TESTDEV_CONSOLE) = (uint8_t)c;
}
