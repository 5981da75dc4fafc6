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
    uint64_t mem_map;         /* guest-physical address of mem_map_entries skvm_mem_entry */
    uint32_t mem_map_entries; /* 0: RAM is 0 .. ram_size - 1 (boot info of older softkvm) */
    uint32_t reserved;
};

/* One entry of the memory map (the board's regions as a BIOS e820 map reports them). */
struct skvm_mem_entry {
    uint64_t addr, size;
    uint32_t type; /* 1: RAM, 2: reserved (softkvm's boot area) */
    uint32_t reserved;
};

#define SKVM_MEM_MAP_MAX 16

_Static_assert(sizeof(struct skvm_boot_info) == 64, "boot info layout");
_Static_assert(sizeof(struct skvm_mem_entry) == 24, "memory map layout");

#endif
