/* z/Architecture facts softkvm needs as pure functions: PSW bits and validity, instruction lengths,
 * lowcore layout, and where the old PSW points after each program interruption. */
#ifndef SOFTKVM_ARCH_S390X_PSW_H
#define SOFTKVM_ARCH_S390X_PSW_H

#include <stdbool.h>
#include <stdint.h>

/* PSW mask bits (bit 0 is the most significant bit of the 64-bit mask). */
#define PSW_MASK_PER    0x4000000000000000ULL /* bit 1 */
#define PSW_MASK_DAT    0x0400000000000000ULL /* bit 5 */
#define PSW_MASK_IO     0x0200000000000000ULL /* bit 6 */
#define PSW_MASK_EXT    0x0100000000000000ULL /* bit 7 */
#define PSW_MASK_KEY    0x00F0000000000000ULL /* bits 8-11 */
#define PSW_MASK_MCHK   0x0004000000000000ULL /* bit 13 */
#define PSW_MASK_WAIT   0x0002000000000000ULL /* bit 14 */
#define PSW_MASK_PSTATE 0x0001000000000000ULL /* bit 15: problem state */
#define PSW_MASK_ASC    0x0000C00000000000ULL /* bits 16-17 */
#define PSW_MASK_CC     0x0000300000000000ULL /* bits 18-19 */
#define PSW_MASK_PM     0x00000F0000000000ULL /* bits 20-23 */
#define PSW_MASK_EA     0x0000000100000000ULL /* bit 31 */
#define PSW_MASK_BA     0x0000000080000000ULL /* bit 32 */
#define PSW_MASK_64     (PSW_MASK_EA | PSW_MASK_BA)
/* Bits that must be zero in a z/Architecture PSW: 0, 2-4, 12, 24-30, 33-63. */
#define PSW_MASK_RESERVED 0xB80800FE7FFFFFFFULL

/* Lowcore (prefix area, 8 KiB) offsets of what softkvm reads and writes. */
#define LC_SIZE        0x2000
#define LC_SVC_ILEN    0x088 /* 16 bits: the ILC as a byte count (ILC << 1) */
#define LC_SVC_CODE    0x08A /* 16 bits */
#define LC_PGM_ILEN    0x08C /* 16 bits: the ILC as a byte count (ILC << 1) */
#define LC_PGM_CODE    0x08E /* 16 bits */
#define LC_SVC_OLD_PSW 0x140
#define LC_PGM_OLD_PSW 0x150
#define LC_SVC_NEW_PSW 0x1C0
#define LC_PGM_NEW_PSW 0x1D0

/* Program-interruption codes softkvm itself raises. */
#define PGM_OPERATION     0x0001
#define PGM_PRIVILEGED    0x0002
#define PGM_ADDRESSING    0x0005
#define PGM_SPECIFICATION 0x0006

/* Length in bytes (2, 4 or 6) of the instruction whose first byte is op: bits 0-1 of the
 * opcode are 00 for 2 bytes, 01 or 10 for 4, 11 for 6. */
unsigned s390_insn_len(uint8_t op);

/* Why a PSW would not be accepted when loaded (NULL when it is valid): a reserved bit set,
 * EA without BA, an odd instruction address, or an address beyond the addressing mode (24-bit:
 * 16 MiB, 31-bit: 2 GiB). The string is static. */
const char *s390_psw_invalid(uint64_t mask, uint64_t addr);

/* addr wrapped to the PSW's addressing mode (24, 31 or 64 bits), as the CPU updates the
 * instruction address. */
uint64_t s390_psw_wrap(uint64_t mask, uint64_t addr);

/* Whether the program old PSW points past the instruction (by its ILC) for interruption code
 * code: true for suppressing and completing conditions (operation, privileged-operation,
 * execute, protection, addressing, specification, data, fixed-point, decimal, HFP, monitor,
 * ...), false for nullifying ones (translation exceptions, PER nullification). Bits 0x80 (PER)
 * and 0x200 (transaction) of code are ignored. */
bool s390_pgm_advances(uint16_t code);

#endif
