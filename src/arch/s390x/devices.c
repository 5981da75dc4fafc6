/* The s390x machine's devices: the common test device and the virtio console on the
 * notification bus. */
#include "arch/s390x/s390x.h"
#include "devices/devices.h"

int s390_devices_init(struct vm *vm)
{
    int rc = test_device_init(vm, S390_TESTDEV);
    if (rc == 0)
        rc = virtio_console_init(vm, S390_VCON_BASE, S390_VCON_SCHID);
    return rc;
}
