/* The x86 hypercall exit: KVM's VMCALL/VMMCALL rules (vendor patching, CPL, width) and dispatch. */
#include "arch/x86_64/hypercall_abi.h"
#include "arch/x86_64/x86.h"
#include "softkvm/trace.h"

#define CR0_PE (1ULL << 0)

/* KVM's emulator path for the other vendor's instruction (arch/x86/kvm/emulate.c). */
static void foreign_hypercall(struct vcpu *v, const struct x86_regs *r, enum x86_hc_insn insn,
                              unsigned cpl, enum x86_hc_insn native)
{
    struct vm *vm = v->vm;
    /* VMMCALL is "Prot": #UD in real mode. VMCALL is "Priv": #GP(0) above CPL 0. */
    if (insn == X86_HC_VMMCALL && !(r->cr0 & CR0_PE)) {
        x86_deliver_exception(v, X86_UD, false, 0, false, 0);
        return;
    }
    if (insn == X86_HC_VMCALL && cpl != 0) {
        x86_deliver_exception(v, X86_GP, true, 0, false, 0);
        return;
    }
    if (!vm->cfg.hypercall_patching) {
        x86_deliver_exception(v, X86_UD, false, 0, false, 0);
        return;
    }
    uint8_t bytes[3];
    x86_hc_encode(native, bytes);
    struct x86_mmu mmu = {r->cr0, r->cr3, r->cr4, r->efer};
    uint64_t fault_la = 0;
    uint32_t pfec = 0;
    /* A write through the guest's page tables at the caller's privilege, as the emulator does:
     * a read-only code page gives the guest #PF (write), not #UD. */
    int rc = x86_write_virt(&vm->mem, &mmu, r->rip, bytes, 3, cpl == 3, &fault_la, &pfec);
    if (rc == -1) {
        x86_deliver_exception(v, X86_PF, true, pfec, false, fault_la);
        return;
    }
    if (rc != 0) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: hypercall instruction at 0x%llx is outside guest RAM", v->id,
                (unsigned long long)r->rip);
        return;
    }
    uc_ctl_remove_cache(vm->uc, r->rip, r->rip + 3);
    vm->stats.patched_hypercalls++;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"from", "to"};
        const uint64_t vals[] = {insn, native};
        trace_event(vm, v->id, r->rip, "hypercall_patch", 2, keys, vals);
    }
    /* RIP is not advanced: the guest re-executes the now-native instruction. */
}

bool x86_handle_hypercall(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct x86_regs r;
    x86_read_regs(vm, &r);
    bool mode64;
    unsigned cpl;
    x86_cpu_mode(vm, &r, &mode64, &cpl);
    struct x86_mmu mmu = {r.cr0, r.cr3, r.cr4, r.efer};
    uint8_t bytes[3];
    uint64_t fault_la;
    uint32_t pfec;
    /* The CPU fetched these bytes to raise #UD, so they are readable; compat-mode code with a
     * non-zero CS base is not supported by the fetch (flat segments are assumed). */
    if (x86_read_virt(&vm->mem, &mmu, r.rip, bytes, 3, false, &fault_la, &pfec) != 0)
        return false;
    enum x86_hc_insn insn = x86_hc_decode(bytes);
    if (insn == X86_HC_NONE)
        return false;
    enum x86_hc_insn native = vm->cfg.vendor == VENDOR_AMD ? X86_HC_VMMCALL : X86_HC_VMCALL;
    if (insn != native) {
        foreign_hypercall(v, &r, insn, cpl, native);
        return true;
    }
    v->exit.kind = EXIT_HYPERCALL;
    const uint64_t gpr[5] = {r.rax, r.rbx, r.rcx, r.rdx, r.rsi};
    struct hc_call call;
    x86_hc_make_call(gpr, mode64, cpl, &call);
    struct hc_table *t = &vm->hc[0];
    hc_count(t, call.nr); /* counted before the CPL check, as KVM does */
    struct hc_result res = {.ret = t->unsupported};
    enum hc_action act = HC_DONE;
    if (cpl != 0) {
        res.ret = -KVM_EPERM;
    } else {
        const struct hc_slot *slot = hc_lookup(t, call.nr);
        if (slot != NULL)
            act = slot->fn(vm, v, &call, &res);
    }
    if (trace_enabled(vm))
        trace_hypercall(vm, v->id, r.rip, t->ns, &call, 4, hc_name(t, call.nr), &res);
    if (act == HC_FAULT)
        return true;
    uint64_t rax = x86_hc_rax(res.ret, mode64);
    uint64_t rip = r.rip + 3;
    static const int ids[] = {UC_X86_REG_RAX, UC_X86_REG_RIP};
    const void *vals[] = {&rax, &rip};
    uc_reg_write_batch(vm->uc, ids, (void *const *)vals, 2);
    if (act == HC_HALT)
        vcpu_halt(v);
    else if (act == HC_YIELD)
        vm->resched = true;
    return true;
}
