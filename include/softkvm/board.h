/* Boards: the memory regions, devices and interrupt lines a machine is made of. */
#ifndef SOFTKVM_BOARD_H
#define SOFTKVM_BOARD_H

#include "softkvm/types.h"

struct vm;

enum region_kind {
    REGION_RAM,      /* guest RAM (a slot of gmem) */
    REGION_FIRMWARE, /* softkvm's boot code and tables: RAM-backed, reserved for the guest */
    REGION_ROM,      /* read-only memory */
    REGION_RESERVED, /* nothing the guest may use (e820 type 2) */
    REGION_MMIO,     /* device memory */
};

struct mem_region {
    const char *name;
    enum region_kind kind;
    uint64_t base, size;
};

#define BOARD_MAX_REGIONS 32

/* The regions of one machine, sorted by base, disjoint. */
struct region_list {
    struct mem_region r[BOARD_MAX_REGIONS];
    unsigned n;
};

/* Add a region. Returns 0, -EINVAL (size 0 or wraps), -EEXIST (overlaps one already there) or
 * -ENOSPC (the list is full). */
int region_add(struct region_list *l, const char *name, enum region_kind kind, uint64_t base,
               uint64_t size);

/* The region containing addr, or NULL. */
const struct mem_region *region_find(const struct region_list *l, uint64_t addr);

/* One entry of a BIOS-style (e820) memory map. */
struct e820_entry {
    uint64_t addr, size;
    uint32_t type; /* E820_RAM or E820_RESERVED */
};
#define E820_RAM      1u
#define E820_RESERVED 2u

/* The e820 view of the list: RAM as usable, firmware/ROM/reserved as reserved, MMIO left out
 * (as a PC BIOS reports it), adjacent entries of one type merged, in address order. Returns the
 * number of entries written (at most max); -ENOSPC if more were needed. */
int region_list_e820(const struct region_list *l, struct e820_entry *out, unsigned max);

/* A machine: what the arch builds a VM from. */
struct board {
    const char *name; /* `-machine NAME` */
    const char *desc;
    uint64_t ram_low_max;   /* RAM below this address at most; the rest goes to ram_high_base */
    uint64_t ram_high_base; /* 0: no RAM above the low part (ram_low_max caps the RAM size) */
    uint64_t ram_start;     /* guest-physical address of the first RAM byte (usually 0) */
    /* Pieces cut out of the low RAM window, sorted: REGION_FIRMWARE (softkvm's boot code and
     * tables, RAM-backed, reserved in the memory map) or holes (REGION_RESERVED / MMIO, not
     * RAM: the bytes are lost, as a PC's 640 KiB-1 MiB hole). The gaps are RAM. */
    const struct mem_region *carve;
    unsigned ncarve;
    const struct mem_region *fixed; /* ROM, MMIO windows outside RAM: fixed addresses */
    unsigned nfixed;
    const char *const *devices; /* `-device` specs created with the VM, NULL-terminated */
    unsigned irq_lines;         /* GSIs the router gets (0: no interrupt lines) */
};

/* The regions of board with ram bytes of RAM: the low RAM window (with the board's carve-outs),
 * the high RAM, then the board's fixed regions; overlaps are refused. Returns 0 or a negative
 * errno with one line in err
 * (-EINVAL: ram does not fit the board's address map). */
int board_layout(const struct board *b, uint64_t ram, struct region_list *out, char *err,
                 size_t errlen);

/* Create the board's devices and interrupt lines on vm (after the engine and RAM exist).
 * Returns 0 or a negative errno with one line in err. */
int board_create_devices(const struct board *b, struct vm *vm, char *err, size_t errlen);

#endif
