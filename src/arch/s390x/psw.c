/* z/Architecture rules as pure functions: instruction length, PSW validity and addressing-mode
 * wrap, and which program interruptions leave the old PSW past the instruction. */
#include "arch/s390x/psw.h"

#include <stddef.h>

unsigned s390_insn_len(uint8_t op)
{
    switch (op >> 6) {
    case 0:
        return 2;
    case 3:
        return 6;
    default:
        return 4;
    }
}

const char *s390_psw_invalid(uint64_t mask, uint64_t addr)
{
    if (mask & PSW_MASK_RESERVED)
        return "a reserved PSW mask bit is set";
    if ((mask & PSW_MASK_EA) && !(mask & PSW_MASK_BA))
        return "extended addressing without basic addressing";
    if (addr & 1)
        return "the instruction address is odd";
    if (!(mask & PSW_MASK_BA) && addr >= (1ULL << 24))
        return "the instruction address is beyond 24-bit addressing";
    if ((mask & PSW_MASK_64) == PSW_MASK_BA && addr >= (1ULL << 31))
        return "the instruction address is beyond 31-bit addressing";
    return NULL;
}

uint64_t s390_psw_wrap(uint64_t mask, uint64_t addr)
{
    if ((mask & PSW_MASK_64) == PSW_MASK_64)
        return addr;
    if (mask & PSW_MASK_BA)
        return addr & 0x7FFFFFFFULL;
    return addr & 0xFFFFFFULL;
}

bool s390_pgm_advances(uint16_t code)
{
    switch (code & ~0x280u) {
    case 0x01: /* operation */
    case 0x02: /* privileged operation */
    case 0x03: /* execute */
    case 0x04: /* protection */
    case 0x05: /* addressing */
    case 0x06: /* specification */
    case 0x07: /* data */
    case 0x08: /* fixed-point overflow */
    case 0x09: /* fixed-point divide */
    case 0x0A: /* decimal overflow */
    case 0x0B: /* decimal divide */
    case 0x0C: /* HFP exponent overflow */
    case 0x0D: /* HFP exponent underflow */
    case 0x0E: /* HFP significance */
    case 0x0F: /* HFP divide */
    case 0x12: /* translation specification */
    case 0x13: /* special operation */
    case 0x15: /* operand */
    case 0x1B: /* vector processing */
    case 0x1D: /* HFP square root */
    case 0x1F: /* PC-translation specification */
    case 0x30: /* ALET specification */
    case 0x40: /* monitor event */
        return true;
    default:
        return false;
    }
}
