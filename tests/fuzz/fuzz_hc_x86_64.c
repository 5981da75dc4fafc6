/* Fuzz target: the x86-64 hypercall ABI with a random register file (RAX, RBX, RCX, RDX, RSI),
 * mode and CPL: the pure decoders, then the call through the VM's real KVM hypercall table
 * (KICK_CPU, SEND_IPI, SCHED_YIELD reach the two vCPUs' APICs) and the result's write-back. */
#include "arch/x86_64/hypercall_abi.h"
#include "arch/x86_64/lapic.h"
#include "fuzz_vm.h"

static struct vm *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (vm == NULL)
        vm = fuzz_vm_new(&x86_64_arch_ops, 2);
    fuzz_vm_reset(vm);
    for (unsigned i = 0; i < vm->ncpus; i++)
        lapic_reset(vcpu_lapic(&vm->vcpus[i]), i);
    struct fuzz_in in = {data, size};
    for (unsigned calls = 0; calls < 8 && in.left > 0; calls++) {
        uint8_t insn[3];
        for (unsigned i = 0; i < 3; i++)
            insn[i] = (uint8_t)fuzz_take(&in, 1);
        enum x86_hc_insn kind = x86_hc_decode(insn);
        if (kind != X86_HC_NONE) {
            uint8_t again[3];
            x86_hc_encode(kind, again);
            FUZZ_CHECK(memcmp(again, insn, 3) == 0);
        }
        uint8_t flags = (uint8_t)fuzz_take(&in, 1);
        bool mode64 = flags & 1;
        unsigned cpl = (flags >> 1) & 3;
        uint64_t gpr[5];
        for (unsigned i = 0; i < 5; i++)
            gpr[i] = fuzz_take(&in, (flags & 0x80) ? 8 : 2); /* small values reach more handlers */
        struct hc_call call;
        x86_hc_make_call(gpr, mode64, cpl, &call);
        if (!mode64) {
            FUZZ_CHECK(call.nr <= 0xFFFFFFFFu);
            for (unsigned i = 0; i < 4; i++)
                FUZZ_CHECK(call.args[i] <= 0xFFFFFFFFu);
        }
        FUZZ_CHECK(call.op_64bit == mode64 && call.cpl == cpl);
        vm->running = &vm->vcpus[(flags >> 3) & 1];
        struct hc_result res;
        enum hc_action act = hc_dispatch(vm, vm->running, &vm->hc[0], &call,
                                         cpl != 0 ? -KVM_EPERM : 0, FUZZ_ENTRY, 4, NULL, &res);
        FUZZ_CHECK(act >= HC_DONE && act <= HC_FAULT);
        uint64_t rax = x86_hc_rax(res.ret, mode64);
        FUZZ_CHECK(mode64 || rax <= 0xFFFFFFFFu);
        fuzz_vm_reset(vm);
    }
    return 0;
}
