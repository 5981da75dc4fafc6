/* Boot protocols of existing x86 kernels: the multiboot v1 header and the PVH ELF note (pure). */
#ifndef SOFTKVM_MULTIBOOT_H
#define SOFTKVM_MULTIBOOT_H

#include "softkvm/board.h"
#include "softkvm/elf.h"
#include "softkvm/types.h"

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_SEARCH           8192 /* the header lies in the first 8 KiB, 4-byte aligned */

/* Header flags: bits 0-15 are requirements a loader must meet or refuse the kernel. */
#define MB_FLAG_PAGE_ALIGN 0x1u     /* modules page-aligned */
#define MB_FLAG_MEMORY     0x2u     /* mem_* and the memory map */
#define MB_FLAG_VIDEO      0x4u     /* a video mode: softkvm has no display and ignores it */
#define MB_FLAG_AOUT       0x10000u /* the address fields ("a.out kludge") are valid */
#define MB_FLAGS_KNOWN     (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY | MB_FLAG_VIDEO)

struct multiboot_header {
    uint64_t offset; /* of the header in the file */
    uint32_t flags;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr; /* MB_FLAG_AOUT */
};

/* Look for a multiboot v1 header in the first 8 KiB of buf. Returns 1 with *h filled, 0 when
 * there is none, or -ENOEXEC with one line in err when a header's checksum is wrong, it asks for
 * a requirement softkvm does not meet (unknown flag bits 0-15), or it is truncated. */
int multiboot_find(const uint8_t *buf, uint64_t len, struct multiboot_header *h, char *err,
                   size_t errlen);

/* The segments and entry point of a multiboot kernel: from the header's addresses (a.out kludge)
 * or else from its ELF32/ELF64 program headers (e_entry). Returns 0 or -ENOEXEC with one line in
 * err (addresses inconsistent with the file, not ELF without the kludge, not an x86 ELF). */
int multiboot_image(const uint8_t *buf, uint64_t len, const struct multiboot_header *h,
                    struct elf_image *img, char *err, size_t errlen);

/* The PVH entry point of an ELF image: the XEN_ELFNOTE_PHYS32_ENTRY note (owner "Xen", type 18)
 * in a PT_NOTE segment. Returns 1 with *entry set, 0 when there is none. Never reads past len. */
int pvh_find_entry(const uint8_t *buf, uint64_t len, uint64_t *entry);

/* hvm_start_info (PVH): magic and version. */
#define PVH_START_MAGIC   0x336ec578u
#define PVH_START_VERSION 1u

/* What a boot information block says about the machine and what was loaded. */
struct boot_info_params {
    uint32_t base;                 /* guest-physical address the block will be written at */
    const struct e820_entry *e820; /* the memory map */
    unsigned ne820;
    const char *cmdline;               /* the kernel's command line (NUL-terminated) */
    uint32_t module_start, module_end; /* one module ([start, end)), or end == 0 for none */
    const char *module_string;         /* its string (NUL-terminated) */
    uint64_t rsdp;                     /* PVH: the ACPI RSDP's address, 0 for none */
};

/* Build a multiboot v1 information structure (flags: mem, cmdline, mods, mmap, loader name)
 * with everything it points to (cmdline, module list and string, memory map, "softkvm") in
 * buf[0..cap), for a guest that will find it at p->base. Returns the bytes used or -ENOSPC. */
long multiboot_build_info(uint8_t *buf, size_t cap, const struct boot_info_params *p);

/* The same for PVH: an hvm_start_info (version 1) with its command line, module list and
 * memory map (hvm_memmap_table_entry), and the RSDP address. Returns bytes used or -ENOSPC. */
long pvh_build_start_info(uint8_t *buf, size_t cap, const struct boot_info_params *p);

#endif
