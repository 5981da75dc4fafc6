/* The x86 KVM hypercall ABI as pure functions: instruction decoding, register mapping, width. */
#include "arch/x86_64/hypercall_abi.h"

#include <string.h>

enum x86_hc_insn x86_hc_decode(const uint8_t b[3])
{
    if (b[0] != 0x0f || b[1] != 0x01)
        return X86_HC_NONE;
    if (b[2] == 0xc1)
        return X86_HC_VMCALL; /* vmcall: ModRM mod=3 reg=0 rm=1 */
    if (b[2] == 0xd9)
        return X86_HC_VMMCALL; /* vmmcall: ModRM mod=3 reg=3 rm=1 */
    return X86_HC_NONE;
}

void x86_hc_encode(enum x86_hc_insn insn, uint8_t b[3])
{
    b[0] = 0x0f;
    b[1] = 0x01;
    b[2] = insn == X86_HC_VMMCALL ? 0xd9 : 0xc1;
}

uint64_t x86_hc_width(uint64_t v, bool mode64)
{
    return mode64 ? v : (v & 0xffffffffULL);
}

void x86_hc_make_call(const uint64_t gpr[5], bool mode64, unsigned cpl, struct hc_call *call)
{
    memset(call, 0, sizeof(*call));
    call->nr = x86_hc_width(gpr[0], mode64);
    for (int i = 0; i < 4; i++)
        call->args[i] = x86_hc_width(gpr[i + 1], mode64);
    call->op_64bit = mode64;
    call->cpl = cpl;
}

uint64_t x86_hc_rax(int64_t ret, bool mode64)
{
    return mode64 ? (uint64_t)ret : (uint64_t)(uint32_t)ret;
}
