/* The device models softkvm provides; each registers itself on a VM's bus. */
#ifndef SOFTKVM_DEVICES_H
#define SOFTKVM_DEVICES_H

#include "softkvm/device.h"
#include "softkvm/vm.h"

/* Guest-physical base of the test device on every architecture. */
#define TEST_DEVICE_BASE 0xF0000000ULL

/* The device types of this directory (each file's comment says what it models); the
 * registry (registry.c) lists them all. Their properties are in `-device help`. */
extern const struct device_type uart16550_type;      /* "isa-serial": iobase */
extern const struct device_type debug_exit_type;     /* "isa-debug-exit": iobase, iosize */
extern const struct device_type test_device_type;    /* "softkvm-testdev": base */
extern const struct device_type fw_cfg_type;         /* "fw_cfg_io": iobase */
extern const struct device_type virtio_console_type; /* "softkvm-virtio-console": base, schid */
extern const struct device_type debugcon_type;       /* "isa-debugcon": iobase */
extern const struct device_type i8259_type;          /* "i8259": the PC's PIC pair */
extern const struct device_type ioapic_type;         /* "ioapic": base, gsi */
extern const struct device_type i8254_type;          /* "isa-pit": iobase, irq */
extern const struct device_type mc146818_type;       /* "mc146818rtc": iobase, irq */

#endif
