/* The test device shared by every architecture: end the run with a status, print a byte. */
#include <errno.h>
#include <stdio.h>

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

static int testdev_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                          size_t errlen)
{
    uint64_t base = devprop_u64(p, "base");
    int rc = vm_add_mmio(vm, base, SKVM_PAGE_SIZE, &testdev_ops, NULL);
    if (rc != 0)
        snprintf(err, errlen, "softkvm-testdev: cannot map 4 KiB at 0x%llx (%s)",
                 (unsigned long long)base, rc == -EEXIST ? "taken" : "not page-aligned");
    return rc;
}

static const struct devprop_def testdev_props[] = {
    {"base", DEVPROP_U64, "0xf0000000", 0, UINT64_MAX - 0xFFF, "guest-physical base (4 KiB)"},
};

const struct device_type test_device_type = {
    .name = "softkvm-testdev",
    .desc = "softkvm's test device: exit with a status (offset 0), console byte (offset 4)",
    .props = testdev_props,
    .nprops = 1,
    .create = testdev_create,
};
