/* CPUID as softkvm's guests see it: the KVM leaves, the hypervisor bit and the chosen vendor. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/engine_check.h"
#include "softkvm/kvm_abi.h"

/* Run CPUID leaf on the engine's own CPU model (before the hook exists) to learn its defaults.
 * Returns 0, or -ENOTSUP when the engine refused a step. */
static int native_cpuid(struct vm *vm, uint32_t leaf, uint32_t out[4])
{
    static const uint8_t stub[] = {0x0f, 0xa2, 0xf4}; /* cpuid; hlt */
    const gpa_t at = 0x3000;                          /* inside the boot area, cleared below */
    if (gmem_write(&vm->mem, at, stub, sizeof(stub)) != 0)
        return -ENOTSUP;
    uint64_t rax = leaf, zero = 0;
    static const int ids[] = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX};
    void *vals[] = {&out[0], &out[1], &out[2], &out[3]};
    memset(out, 0, 16);
    int rc = uc_reg_write(vm->uc, UC_X86_REG_RAX, &rax) == UC_ERR_OK &&
                     uc_reg_write(vm->uc, UC_X86_REG_RCX, &zero) == UC_ERR_OK &&
                     uc_emu_start(vm->uc, at, 0, 0, 0) == UC_ERR_OK &&
                     uc_reg_read_batch(vm->uc, ids, vals, 4) == UC_ERR_OK
                 ? 0
                 : -ENOTSUP;
    memset(gmem_ptr(&vm->mem, at, sizeof(stub)), 0, sizeof(stub));
    if (uc_ctl_remove_cache(vm->uc, at, at + sizeof(stub)) != UC_ERR_OK)
        rc = -ENOTSUP;
    return rc;
}

static uint32_t vcpu_id(struct vm *vm)
{
    return vm->running != NULL ? vm->running->id : 0;
}

static int hook_cpuid(uc_engine *uc, void *user)
{
    struct vm *vm = user;
    struct x86_vm *xvm = vm->arch_state;
    uint64_t rax = 0;
    if (!ENGINE_OK(vm, uc_reg_read(uc, UC_X86_REG_RAX, &rax)))
        return 0;
    uint32_t leaf = (uint32_t)rax, r[4];
    if (leaf == 0) {
        memcpy(r, xvm->cpuid0, sizeof(r));
        const char *v = vm->cfg.vendor == VENDOR_AMD ? "AuthenticAMD" : "GenuineIntel";
        memcpy(&r[1], v, 4);     /* EBX */
        memcpy(&r[3], v + 4, 4); /* EDX */
        memcpy(&r[2], v + 8, 4); /* ECX */
    } else if (leaf == 1) {
        memcpy(r, xvm->cpuid1, sizeof(r));
        r[2] |= 1u << 31;    /* ECX.hypervisor */
        r[2] &= ~(1u << 21); /* no x2APIC: its MSRs cannot be trapped (see docs/design.md) */
        r[3] |= 1u << 9;     /* EDX.APIC: the xAPIC at 0xFEE00000 */
        r[1] = (r[1] & 0x00FFFFFFu) | (vcpu_id(vm) << 24); /* EBX[31:24]: initial APIC ID */
    } else if (leaf == KVM_CPUID_SIGNATURE) {
        r[0] = KVM_CPUID_FEATURES;
        r[1] = 0x4b4d564b; /* "KVMK" */
        r[2] = 0x564b4d56; /* "VMKV" */
        r[3] = 0x0000004d; /* "M\0\0\0" */
    } else if (leaf == KVM_CPUID_FEATURES) {
        r[0] = (uint32_t)vm->pv_features;
        r[1] = r[2] = 0;
        r[3] = xvm->kvm_hints;
    } else if (leaf > KVM_CPUID_FEATURES && leaf <= 0x400000FFu) {
        memset(r, 0, sizeof(r));
    } else {
        return 0; /* the CPU model's own answer */
    }
    uint64_t v64[4] = {r[0], r[1], r[2], r[3]};
    static const int ids[] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
    const void *vals[] = {&v64[0], &v64[1], &v64[2], &v64[3]};
    ENGINE_OK(vm, uc_reg_write_batch(uc, ids, (void *const *)vals, 4));
    return 1; /* skip the engine's CPUID */
}

int x86_cpuid_install(struct vm *vm, char *err, size_t errlen)
{
    struct x86_vm *xvm = vm->arch_state;
    uc_hook h;
    if (native_cpuid(vm, 0, xvm->cpuid0) != 0 || native_cpuid(vm, 1, xvm->cpuid1) != 0) {
        snprintf(err, errlen, "the engine failed to run CPUID for its CPU model's answers");
        return -ENOTSUP;
    }
    if (uc_hook_add(vm->uc, &h, UC_HOOK_INSN, (void *)hook_cpuid, vm, 1, 0, UC_X86_INS_CPUID) !=
        UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused the CPUID hook");
        return -ENOTSUP;
    }
    return 0;
}
