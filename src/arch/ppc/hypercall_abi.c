/* The PowerPC KVM/ePAPR hypercall ABI and instruction words as pure functions (no engine). */
#include "arch/ppc/hypercall_abi.h"

#include <string.h>

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

enum ppc_sc_kind ppc_sc_classify(enum ppc_hcall_style style, int lev, bool problem_state,
                                 uint64_t r0)
{
    if (style == PPC_HCALL_HV) {
        if (lev != 1)
            return PPC_SC_SYSCALL;
        return problem_state ? PPC_SC_PRIV : PPC_SC_HYPERCALL;
    }
    if (!problem_state && (uint32_t)r0 == PPC_KVM_SC_MAGIC)
        return PPC_SC_HYPERCALL;
    return PPC_SC_SYSCALL;
}

uint64_t ppc_hc_width(uint64_t v, bool sf)
{
    return sf ? v : (v & 0xFFFFFFFFULL);
}

unsigned ppc_hc_route(uint64_t r11, uint64_t *nr)
{
    uint32_t token = (uint32_t)r11; /* only the low 32 bits are the token, in either mode */
    uint32_t vendor = token >> 16;
    if (vendor == PPC_VENDOR_KVM) {
        *nr = token & 0xFFFFu;
        return PPC_HC_KVM;
    }
    *nr = vendor == PPC_VENDOR_EPAPR ? (token & 0xFFFFu) : token;
    return PPC_HC_EPAPR;
}

void ppc_hc_make_call(uint64_t nr, const uint64_t *gpr, unsigned n, bool sf, struct hc_call *call)
{
    memset(call, 0, sizeof(*call));
    call->nr = nr;
    for (unsigned i = 0; i < n && i < HC_MAX_ARGS; i++)
        call->args[i] = ppc_hc_width(gpr[i], sf);
    call->op_64bit = sf;
    call->cpl = 0;
}

unsigned ppc_hc_outputs(const struct hc_result *res, uint64_t out[9])
{
    /* KVM stores the handler's int result into r3 as a sign-extended long. */
    out[0] = (uint64_t)res->ret;
    out[1] = res->nout > 0 ? res->out[0] : 0;
    unsigned n = res->nout > HC_MAX_RETS ? HC_MAX_RETS : res->nout;
    for (unsigned i = 1; i < n; i++)
        out[1 + i] = res->out[i];
    return n > 1 ? 1 + n : 2;
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
