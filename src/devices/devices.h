/* The device models softkvm provides; each registers itself on a VM's bus. */
#ifndef SOFTKVM_DEVICES_H
#define SOFTKVM_DEVICES_H

#include "softkvm/vm.h"

/* Guest-physical base of the test device on every architecture. */
#define TEST_DEVICE_BASE 0xF0000000ULL

/* 16550 UART on the port bus at base (8 ports): THR writes go to the console, LSR reports the
 * transmitter empty. Returns 0 or a negative errno from the bus. */
int uart16550_init(struct vm *vm, uint64_t base);

/* QEMU's isa-debug-exit on the port bus: a write of v ends the run with status (v << 1) | 1. */
int debug_exit_init(struct vm *vm, uint64_t port);

/* The test device: 4 KiB of MMIO at base; a 32-bit write of v to offset 0 ends the run with
 * status v & 0xFF; a write to offset 4 sends its low byte to the console; reads return 0. */
int test_device_init(struct vm *vm, uint64_t base);

/* QEMU's fw_cfg on the port bus: selector at port (16-bit write), data at port + 1 (byte reads
 * walk the item). Items: 0x00 "QEMU", 0x01 ID (1), 0x03 RAM size (u64), 0x05 and 0x0f CPU count
 * (u16), little-endian. */
int fw_cfg_init(struct vm *vm, uint64_t port);

/* A virtio console whose queues (0 receiveq, 1 transmitq) are kicked through the notification
 * bus as subchannel schid (s390 DIAGNOSE 0x500 subcode 3) and configured through 4 KiB of MMIO
 * registers at base (docs/platform.md). Transmitted buffers go to the console. Creates the VM's
 * notification bus if needed. Returns 0 or a negative errno. */
int virtio_console_init(struct vm *vm, uint64_t base, uint32_t schid);

#endif
