/* The boot-information block softkvm hands every guest (layout in docs/platform.md). */
#ifndef SOFTKVM_BOOT_INFO_H
#define SOFTKVM_BOOT_INFO_H

#include <stdint.h>

#define SKVM_BOOT_MAGIC       0x4D564B53u /* "SKVM" as little-endian bytes */
#define SKVM_BOOT_VERSION     1u
#define SKVM_BOOT_X86_VMMCALL (1u << 0) /* x86: the native hypercall instruction is VMMCALL */

struct skvm_boot_info {
    uint32_t magic;
    uint32_t version;
    uint64_t ram_size;
    uint32_t ncpus;
    uint32_t flags;
    uint64_t test_device;
    uint64_t boot_area_end;
    uint64_t page_tables;
};

_Static_assert(sizeof(struct skvm_boot_info) == 48, "boot info layout");

#endif
