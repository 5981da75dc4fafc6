/* The PowerPC KVM/ePAPR hypercall ABI and instruction words as pure functions (no engine). */
#ifndef SOFTKVM_ARCH_PPC_HYPERCALL_ABI_H
#define SOFTKVM_ARCH_PPC_HYPERCALL_ABI_H

#include "softkvm/hypercall.h"
#include "softkvm/kvm_abi.h"

/* Instruction words (big-endian values as the CPU fetches them). */
#define PPC_INSN_SC     0x44000002u /* sc */
#define PPC_INSN_SC1    0x44000022u /* sc 1 */
#define PPC_INSN_NOP    0x60000000u /* ori r0,r0,0 */
#define PPC_INSN_LIS_R0 0x3C004B56u /* lis r0,0x4b56 */
#define PPC_INSN_ORI_R0 0x60004D21u /* ori r0,r0,0x4d21 */
#define PPC_INSN_ISYNC  0x4C00012Cu /* isync */

/* Which instruction sequence the device tree's hcall-instructions advertises. */
enum ppc_hcall_style {
    PPC_HCALL_PR = 0, /* lis r0,0x4b56; ori r0,r0,0x4d21; sc; nop (KVM PR, e500v2) */
    PPC_HCALL_HV = 1, /* sc 1; nop; nop; nop (KVM on BookE HV) */
};

/* The two tables of a PowerPC VM, by vendor of the token (vendor << 16 | number). */
enum { PPC_HC_EPAPR = 0, PPC_HC_KVM = 1 };
#define PPC_VENDOR_EPAPR 1u
#define PPC_VENDOR_KVM   42u

/* What an sc means. */
enum ppc_sc_kind {
    PPC_SC_HYPERCALL, /* handled by softkvm */
    PPC_SC_SYSCALL,   /* the guest's own system call: vector 0xC00 */
    PPC_SC_PRIV,      /* privileged-instruction program interrupt (sc 1 from problem state) */
};

/* mfspr rt,spr / mtspr spr,rs / mfsr rt,sr / mtsr sr,rs. */
uint32_t ppc_insn_mfspr(unsigned rt, unsigned spr);
uint32_t ppc_insn_mtspr(unsigned spr, unsigned rs);
uint32_t ppc_insn_mfsr(unsigned rt, unsigned sr);
uint32_t ppc_insn_mtsr(unsigned sr, unsigned rs);

/* The LEV field of an sc instruction, or -1 if insn is not sc. */
int ppc_sc_level(uint32_t insn);

/* The functions below are on the hypercall hot path: inline. */

/* KVM's rule for an sc of level lev. PR style: an sc with r0 (low 32 bits) = KVM_SC_MAGIC_R0 from
 * supervisor state is a hypercall, any other sc is the guest's system call. HV style: sc 1 from
 * supervisor state is a hypercall, sc 1 from problem state a privileged-instruction program
 * interrupt, sc 0 the guest's system call. */
static inline enum ppc_sc_kind ppc_sc_classify(enum ppc_hcall_style style, int lev,
                                               bool problem_state, uint64_t r0)
{
    if (style == PPC_HCALL_HV) {
        if (lev != 1)
            return PPC_SC_SYSCALL;
        return problem_state ? PPC_SC_PRIV : PPC_SC_HYPERCALL;
    }
    if (!problem_state && (uint32_t)r0 == KVM_SC_MAGIC_R0)
        return PPC_SC_HYPERCALL;
    return PPC_SC_SYSCALL;
}

/* v as a caller sees it: the low 32 bits when MSR[SF] = 0. */
static inline uint64_t ppc_hc_width(uint64_t v, bool sf)
{
    return sf ? v : (v & 0xFFFFFFFFULL);
}

/* The table (PPC_HC_EPAPR or PPC_HC_KVM) and number for the token in r11's low 32 bits. Tokens of
 * other vendors go to the ePAPR table with the whole token as number (out of its range, so they
 * are counted as such and answer EV_UNIMPLEMENTED). */
static inline unsigned ppc_hc_route(uint64_t r11, uint64_t *nr)
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

/* Fill call: nr from the route, args[0..n) from r3.. (gpr[0] = r3), truncated to 32 bits when
 * MSR[SF] = 0; cpl 0 (only supervisor state reaches a hypercall). args[n..] are not written:
 * the dispatcher's load_args fills what a handler or the trace reads. */
static inline void ppc_hc_make_call(uint64_t nr, const uint64_t *gpr, unsigned n, bool sf,
                                    struct hc_call *call)
{
    call->nr = nr;
    for (unsigned i = 0; i < n && i < HC_MAX_ARGS; i++)
        call->args[i] = ppc_hc_width(gpr[i], sf);
    call->op_64bit = sf;
    call->cpl = 0;
}

/* Registers r3..r11 after a hypercall: out[0] = r3 (the status, sign-extended as KVM stores its
 * int result), out[1] = r4 (always written: 0 when the handler produced nothing), out[2..] = r5..
 * for further outputs. Returns how many of r3.. to write (2 .. 9). */
static inline unsigned ppc_hc_outputs(const struct hc_result *res, uint64_t out[9])
{
    out[0] = (uint64_t)res->ret;
    out[1] = res->nout > 0 ? res->out[0] : 0;
    unsigned n = res->nout > HC_MAX_RETS ? HC_MAX_RETS : res->nout;
    for (unsigned i = 1; i < n; i++)
        out[1 + i] = res->out[i];
    return n > 1 ? 1 + n : 2;
}

/* Whether insn is a trap (tw, twi, td, tdi). */
bool ppc_insn_is_trap(uint32_t insn);

/* The SRR1 reason bits of a program interrupt the engine reported as intno (6 program or 96
 * emulation assistance) for insn: trap, floating-point enabled, privileged or illegal. The engine
 * does not report the reason; this derives it from the instruction (docs/platform.md). */
uint64_t ppc_program_reason(uint32_t intno, uint32_t insn);

#endif
