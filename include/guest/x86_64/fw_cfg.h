/* x86-64 guest access to QEMU's fw_cfg (selector port 0x510, data port 0x511). */
#ifndef GUEST_X86_64_FW_CFG_H
#define GUEST_X86_64_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511

#define FW_CFG_SIGNATURE 0x00 /* "QEMU" */
#define FW_CFG_ID        0x01 /* interface ID (32-bit) */
#define FW_CFG_RAM_SIZE  0x03 /* 64-bit, little-endian */
#define FW_CFG_NB_CPUS   0x05 /* 16-bit, little-endian */

/* Select key and read len bytes of the item into buf. The device has one selector for all vCPUs:
 * callers on different CPUs must not interleave (smp_fw_cfg_lock in smp.h serializes). */
void fw_cfg_read(uint16_t key, void *buf, size_t len);

/* Little-endian item of 1-8 bytes as a number. */
uint64_t fw_cfg_read_le(uint16_t key, size_t len);

static inline unsigned fw_cfg_ncpus(void)
{
    return (unsigned)fw_cfg_read_le(FW_CFG_NB_CPUS, 2);
}

static inline uint64_t fw_cfg_ram_size(void)
{
    return fw_cfg_read_le(FW_CFG_RAM_SIZE, 8);
}

#endif
