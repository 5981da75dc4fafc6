/* The DIAGNOSE call-site finder: decodes a translated block's instructions for DIAGNOSE, and the
 * per-VM set of known sites (each with the engine hook that traps it). Pure; no engine calls. */
#ifndef SOFTKVM_ARCH_S390X_DIAG_SITES_H
#define SOFTKVM_ARCH_S390X_DIAG_SITES_H

#include <stddef.h>
#include <stdint.h>

/* Hard cap on trapped sites per VM: every site is one engine code hook, and the engine walks
 * the hook list on each trapped call. */
#define S390_MAX_SITES 1024

/* Decode code[0 .. len), the bytes of instructions that start at guest address addr (the start
 * of a translated block, so every decoded boundary is a real one), instruction by instruction
 * using the length in each opcode's first two bits. Stores the addresses of DIAGNOSE (opcode
 * 0x83) instructions into sites[0 .. max) and returns how many there are (possibly more than
 * max: only max are stored). An instruction that does not fit entirely in len is not looked
 * at. */
size_t s390_scan_diag(const uint8_t *code, size_t len, uint64_t addr, uint64_t *sites, size_t max);

struct s390_site {
    uint64_t addr;  /* logical (PSW) address of the DIAGNOSE */
    uintptr_t hook; /* the engine hook trapping it (opaque here) */
};

/* Known sites, sorted by address, no duplicates. */
struct s390_sites {
    struct s390_site *v;
    size_t n, cap;
};

/* The site at addr, or NULL. */
struct s390_site *s390_sites_find(const struct s390_sites *s, uint64_t addr);

/* Add addr with its hook. Returns 0, -EEXIST (already there), -ENOSPC (S390_MAX_SITES reached)
 * or -ENOMEM. */
int s390_sites_add(struct s390_sites *s, uint64_t addr, uintptr_t hook);

/* Remove addr. Returns 0 or -ENOENT. */
int s390_sites_remove(struct s390_sites *s, uint64_t addr);

/* Free the storage (the caller deletes the hooks first). */
void s390_sites_release(struct s390_sites *s);

#endif
