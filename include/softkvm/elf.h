/* ELF kernel images: parsing (pure, on a byte buffer) and loading into guest RAM. */
#ifndef SOFTKVM_ELF_H
#define SOFTKVM_ELF_H

#include "softkvm/types.h"

struct gmem;

#define ELF_MAX_SEGMENTS 32

struct elf_segment {
    uint64_t paddr;  /* where it goes in guest-physical memory */
    uint64_t offset; /* file offset of its bytes */
    uint64_t filesz; /* bytes from the file */
    uint64_t memsz;  /* bytes in memory (the rest zeroed) */
};

struct elf_image {
    uint16_t machine;
    uint8_t elf_class; /* 1 = 32-bit, 2 = 64-bit */
    uint8_t data;      /* 1 = little-endian, 2 = big-endian */
    uint64_t entry;
    unsigned nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Parse the headers of an ELF executable held in buf[0..len). Checks magic, class, data, type
 * (EXEC), header sizes, that every header and segment's file bytes lie inside the buffer, and
 * that memsz >= filesz. Returns 0 or -ENOEXEC with one line in err. */
int elf_parse(const uint8_t *buf, uint64_t len, struct elf_image *img, char *err, size_t errlen);

/* Check img's loadable segments against RAM of ram_size bytes and a reserved boot area
 * [res_lo, res_hi): each must fit in RAM (no overflow), miss the boot area, and not overlap
 * another. Returns 0 or -ERANGE / -EEXIST with one line in err. */
int elf_check_layout(const struct elf_image *img, uint64_t ram_size, uint64_t res_lo,
                     uint64_t res_hi, char *err, size_t errlen);

/* Copy the segments into guest RAM (after elf_check_layout). Returns 0 or -EFAULT. */
int elf_load(const struct elf_image *img, const uint8_t *buf, struct gmem *gm);

/* Human name of an ELF machine number ("x86-64", "PowerPC", ...), or NULL if unknown. */
const char *elf_machine_name(uint16_t machine);

#endif
