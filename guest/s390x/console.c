/* s390x guest console: bytes out through the test device's console register. */
#include "guest/softkvm_guest.h"

void arch_putc(char c)
{
    testdev_putc(c);
}
