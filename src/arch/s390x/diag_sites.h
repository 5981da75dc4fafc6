/* The DIAGNOSE call-site scanner: decodes a translated block's instructions for DIAGNOSE, for the
 * core's instruction traps (include/softkvm/insn_trap.h). Pure; no engine calls. */
#ifndef SOFTKVM_ARCH_S390X_DIAG_SITES_H
#define SOFTKVM_ARCH_S390X_DIAG_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "softkvm/insn_trap.h"

/* The one site kind s390x reports. */
#define S390_SITE_DIAG 0

/* An insn_scan_fn (ctx unused): decode code[0 .. len), instructions that start at guest address
 * addr, instruction by instruction using the length in each opcode's first two bits. Stores the
 * DIAGNOSE (opcode 0x83) instructions, 4 bytes, kind S390_SITE_DIAG, into sites[0 .. max) and
 * returns how many there are (possibly more than max: only max are stored). An instruction that
 * does not fit entirely in len is not looked at. */
size_t s390_scan_diag(void *ctx, const uint8_t *code, size_t len, uint64_t addr,
                      struct insn_site *sites, size_t max);

#endif
