/* Fuzz target: the PowerPC hypercall ABI with a random register file (r0, r3-r11, MSR bits) on
 * the 32-bit (FUZZ_PPC64 0) or 64-bit (1) CPU: sc classification in both styles, the token
 * route, the call's width, the dispatch through the VM's real ePAPR/KVM tables (FEATURES,
 * MAP_MAGIC_PAGE, the byte channel, EV_IDLE) and the output registers; plus the instruction
 * helpers (sc level, traps, program-interrupt reasons, SPR encodings). */
#include "arch/ppc/hypercall_abi.h"
#include "fuzz_vm.h"

static struct vm *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (vm == NULL)
        vm = fuzz_vm_new(FUZZ_PPC64 ? &ppc64_arch_ops : &ppc_arch_ops, 1);
    fuzz_vm_reset(vm);
    struct fuzz_in in = {data, size};
    for (unsigned calls = 0; calls < 8 && in.left > 0; calls++) {
        uint32_t insn = (uint32_t)fuzz_take(&in, 4);
        int lev = ppc_sc_level(insn);
        FUZZ_CHECK(lev >= -1 && lev <= 127);
        (void)ppc_insn_is_trap(insn);
        (void)ppc_program_reason((uint32_t)fuzz_take(&in, 1), insn);
        unsigned spr = (unsigned)fuzz_take(&in, 2) & 0x3FF, reg = (unsigned)fuzz_take(&in, 1) & 31;
        FUZZ_CHECK(ppc_sc_level(ppc_insn_mfspr(reg, spr)) == -1);
        FUZZ_CHECK(ppc_sc_level(ppc_insn_mtspr(spr, reg)) == -1);
        (void)ppc_insn_mfsr(reg, spr & 15);
        (void)ppc_insn_mtsr(spr & 15, reg);
        uint8_t flags = (uint8_t)fuzz_take(&in, 1);
        bool sf = FUZZ_PPC64 && (flags & 1), pr = flags & 2;
        uint64_t r0 = (flags & 4) ? KVM_SC_MAGIC_R0 : fuzz_take(&in, 8);
        uint64_t gpr[9]; /* r3 .. r11 */
        for (unsigned i = 0; i < 9; i++)
            gpr[i] = fuzz_take(&in, (flags & 0x80) ? 8 : 2);
        if (flags & 8) /* a real vendor in the token: KVM (42) or ePAPR (1) */
            gpr[8] = ((flags & 16) ? PPC_VENDOR_KVM : PPC_VENDOR_EPAPR) << 16 | (gpr[8] & 0xFF);
        enum ppc_hcall_style style = (flags & 32) ? PPC_HCALL_HV : PPC_HCALL_PR;
        if (ppc_sc_classify(style, lev > 0 ? lev : 0, pr, r0) != PPC_SC_HYPERCALL)
            continue;
        uint64_t nr;
        unsigned t = ppc_hc_route(gpr[8], &nr);
        FUZZ_CHECK(t == PPC_HC_KVM || t == PPC_HC_EPAPR);
        FUZZ_CHECK(t != PPC_HC_KVM || nr <= 0xFFFF);
        struct hc_call call;
        ppc_hc_make_call(nr, gpr, 8, sf, &call);
        for (unsigned i = 0; i < 8; i++)
            FUZZ_CHECK(sf || call.args[i] <= 0xFFFFFFFFu);
        struct hc_result res;
        enum hc_action act =
            hc_dispatch(vm, vm->running, &vm->hc[t], &call, 0, FUZZ_ENTRY, 8, NULL, &res);
        FUZZ_CHECK(act >= HC_DONE && act <= HC_FAULT);
        if (act != HC_FAULT) {
            uint64_t out[9];
            unsigned n = ppc_hc_outputs(&res, out);
            FUZZ_CHECK(n >= 2 && n <= 9);
        }
        fuzz_vm_reset(vm);
    }
    return 0;
}
