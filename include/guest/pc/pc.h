/* Guest SDK for 32-bit PC kernels (multiboot, PVH) on softkvm's pc board and on QEMU's pc. */
#ifndef SOFTKVM_GUEST_PC_H
#define SOFTKVM_GUEST_PC_H

#include <stdint.h>

#include "guest/softkvm_guest.h"

/* Port I/O. */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

/* The isa-debug-exit port the tests put on the command line (-device isa-debug-exit,
 * iobase=0xf4,iosize=4): guest_exit(v) ends the run with status (v << 1) | 1, on softkvm as on
 * QEMU; test_done() passes 0 on success (status 1) and 1 on failure (status 3). */
#define PC_DEBUG_EXIT_PORT 0xF4

/* Multiboot v1 information (the fields the tests read). */
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct mb_module {
    uint32_t start, end, string, reserved;
};

/* PVH hvm_start_info (version 1). */
struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

/* The kernel's entry, called by crt0 with the registers the loader gave (EAX, EBX). */
int pc_main(uint32_t eax, uint32_t ebx);

#endif
