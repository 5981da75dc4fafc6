/* The registry of device types: every model softkvm has, by the name `-device` takes. */
#include "devices/devices.h"

const struct device_type *const device_types[] = {
    &uart16550_type,
    &debug_exit_type,
    &test_device_type,
    &fw_cfg_type,
    &virtio_console_type,
    &debugcon_type,
    &i8259_type,
    &ioapic_type,
    &i8254_type,
    &mc146818_type,
    NULL,
};
