/* The PowerPC KVM/ePAPR hypercall ABI and instruction words as pure functions (no engine). */
#include "arch/ppc/hypercall_abi.h"

#define SRR1_PROG_FPE     0x00100000ULL
#define SRR1_PROG_ILLEGAL 0x00080000ULL
#define SRR1_PROG_PRIV    0x00040000ULL
#define SRR1_PROG_TRAP    0x00020000ULL
#define EXCP_PROGRAM      6
#define EXCP_HV_EMU       96

/* The SPR field of mfspr/mtspr holds the number with its two 5-bit halves swapped. */
static uint32_t spr_field(unsigned spr)
{
    return ((spr & 0x1Fu) << 16) | (((spr >> 5) & 0x1Fu) << 11);
}

uint32_t ppc_insn_mfspr(unsigned rt, unsigned spr)
{
    return 0x7C0002A6u | (rt & 31u) << 21 | spr_field(spr);
}

uint32_t ppc_insn_mtspr(unsigned spr, unsigned rs)
{
    return 0x7C0003A6u | (rs & 31u) << 21 | spr_field(spr);
}

uint32_t ppc_insn_mfsr(unsigned rt, unsigned sr)
{
    return 0x7C0004A6u | (rt & 31u) << 21 | (sr & 15u) << 16;
}

uint32_t ppc_insn_mtsr(unsigned sr, unsigned rs)
{
    return 0x7C0001A4u | (rs & 31u) << 21 | (sr & 15u) << 16;
}

int ppc_sc_level(uint32_t insn)
{
    /* sc: primary opcode 17, bit 30 set; LEV in bits 20:26. */
    if ((insn & 0xFC000002u) != 0x44000002u)
        return -1;
    return (int)((insn >> 5) & 0x7Fu);
}

bool ppc_insn_is_trap(uint32_t insn)
{
    unsigned op = insn >> 26, xo = (insn >> 1) & 0x3FFu;
    if (op == 3 || op == 2) /* twi, tdi */
        return true;
    return op == 31 && (xo == 4 || xo == 68); /* tw, td */
}

uint64_t ppc_program_reason(uint32_t intno, uint32_t insn)
{
    if (intno == EXCP_HV_EMU)
        return SRR1_PROG_ILLEGAL; /* QEMU raises this for unknown opcodes and invalid SPRs */
    if (intno != EXCP_PROGRAM)
        return 0;
    if (ppc_insn_is_trap(insn))
        return SRR1_PROG_TRAP;
    unsigned op = insn >> 26;
    if (op == 63 || op == 59)
        return SRR1_PROG_FPE; /* an enabled floating-point exception */
    return SRR1_PROG_PRIV;
}
