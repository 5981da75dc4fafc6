/* The x86-64 machine's devices: 16550 UART, isa-debug-exit, and the common test device. */
#include "arch/x86_64/x86.h"
#include "devices/devices.h"

int x86_devices_init(struct vm *vm);

int x86_devices_init(struct vm *vm)
{
    int rc = uart16550_init(vm, 0x3F8);
    if (rc == 0)
        rc = debug_exit_init(vm, 0xF4);
    if (rc == 0)
        rc = test_device_init(vm, X86_TESTDEV);
    if (rc == 0)
        rc = lapic_init(vm);
    if (rc == 0)
        rc = fw_cfg_init(vm, 0x510);
    return rc;
}
