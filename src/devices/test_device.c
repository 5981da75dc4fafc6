/* The test device shared by every architecture: end the run with a status, print a byte. */
#include "devices/devices.h"
#include "softkvm/mmio.h"

#define TESTDEV_EXIT    0x0
#define TESTDEV_CONSOLE 0x4

static uint64_t testdev_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    return 0;
}

static void testdev_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    if (off == TESTDEV_EXIT && size == 4)
        vm_stop(vm, OUTCOME_GUEST_EXIT, (int)(val & 0xFF), "guest wrote %llu to the test device",
                (unsigned long long)(val & 0xFFFFFFFF));
    else if (off == TESTDEV_CONSOLE)
        vm_console_putc(vm, (uint8_t)val);
}

static const struct io_ops testdev_ops = {"test-device", testdev_read, testdev_write};

int test_device_init(struct vm *vm, uint64_t base)
{
    return vm_add_mmio(vm, base, SKVM_PAGE_SIZE, &testdev_ops, NULL);
}
