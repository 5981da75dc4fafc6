/* KVM/ePAPR paravirtual interface for PowerPC guests (ppc and ppc64): tokens, the patched hypercall
 * stub, kvm_hypercall* wrappers, the magic page. */
#ifndef GUEST_PPC_KVM_PARA_H
#define GUEST_PPC_KVM_PARA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "softkvm/kvm_abi.h"

/* ---- Tokens (r11): vendor << 16 | number ---- */
#define _EV_HCALL_TOKEN(id, num) (((unsigned long)(id) << 16) | (num))
#define EV_HCALL_TOKEN(num)      _EV_HCALL_TOKEN(EV_EPAPR_VENDOR_ID, num)
#define KVM_HCALL_TOKEN(num)     _EV_HCALL_TOKEN(EV_KVM_VENDOR_ID, num)

/* ePAPR hypercall numbers */

/* ePAPR return codes (r3) */

/* KVM hypercall numbers and feature bits */

/* ---- The magic page (struct kvm_vcpu_arch_shared), big-endian, 64-bit fields ---- */
struct kvm_vcpu_arch_shared {
    uint64_t scratch1, scratch2, scratch3;
    uint64_t critical; /* guest writes r1 here: no interrupts while equal */
    uint64_t sprg0, sprg1, sprg2, sprg3;
    uint64_t srr0, srr1;
    uint64_t dar; /* DEAR on BookE */
    uint64_t msr;
    uint32_t dsisr;
    uint32_t int_pending; /* an interrupt is pending */
    uint32_t sr[16];
    uint32_t mas0, mas1;
    uint64_t mas7_3, mas2;
    uint32_t mas4, mas6, esr, pir;
    uint64_t sprg4, sprg5, sprg6, sprg7;
};
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, critical) == 24, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, msr) == 88, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, dsisr) == 96, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, sr) == 104, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, mas7_3) == 176, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, pir) == 204, "magic page layout");
_Static_assert(offsetof(struct kvm_vcpu_arch_shared, sprg7) == 232, "magic page layout");
_Static_assert(sizeof(struct kvm_vcpu_arch_shared) == 240, "magic page layout");

/* ---- The hypercall stub ----
 * epapr_hypercall_start is four instruction words followed by blr, "li r3,-1; nop; nop; nop"
 * until epapr_paravirt_init() copies the device tree's hcall-instructions into it (as Linux's
 * epapr_paravirt_early_init does). Calling convention: r11 = token, r3..r10 in; r3 status, r4..r11
 * out; r0, r12, CTR, XER, CR and LR are clobbered; r13..r31 and r1, r2 are kept. */
extern uint32_t epapr_hypercall_start[4];

/* The stub as the SDK built it, never patched (every call returns -1 in r3). */
extern uint32_t epapr_unpatched_start[4];

/* Set by epapr_paravirt_init when the stub was patched; has-idle seen in /hypervisor. */
extern bool epapr_paravirt_enabled;
extern bool epapr_has_idle;

/* Patch the stub from the first hcall-instructions property of any node of the device tree
 * (length a multiple of 4, at most 16 bytes). Returns 0, or -1 if there is none (the stub stays
 * unpatched). crt0 calls it before kmain. */
int epapr_paravirt_init(const void *fdt);

/* Call the stub at entry with token and in[0..7] in r3..r10; out[0..7] receive r4..r11. Returns
 * r3. */
unsigned long epapr_hypercall_at(const uint32_t *entry, unsigned long token,
                                 const unsigned long in[8], unsigned long out[8]);

static inline unsigned long epapr_hypercall(const unsigned long in[8], unsigned long out[8],
                                            unsigned long token)
{
    return epapr_hypercall_at(epapr_hypercall_start, token, in, out);
}

/* ---- KVM wrappers (Linux's asm/kvm_para.h): nr is a KVM_HC_* number; the token is built ---- */
static inline long kvm_hypercall(unsigned long *in, unsigned long *out, unsigned long nr)
{
    return (long)epapr_hypercall(in, out, KVM_HCALL_TOKEN(nr));
}

static inline long kvm_hypercall0_1(unsigned int nr, unsigned long *r2)
{
    unsigned long in[8] = {0}, out[8];
    long r = kvm_hypercall(in, out, nr);
    *r2 = out[0];
    return r;
}

static inline long kvm_hypercall0(unsigned int nr)
{
    unsigned long in[8] = {0}, out[8];
    return kvm_hypercall(in, out, nr);
}

static inline long kvm_hypercall1(unsigned int nr, unsigned long p1)
{
    unsigned long in[8] = {p1}, out[8];
    return kvm_hypercall(in, out, nr);
}

static inline long kvm_hypercall2(unsigned int nr, unsigned long p1, unsigned long p2)
{
    unsigned long in[8] = {p1, p2}, out[8];
    return kvm_hypercall(in, out, nr);
}

static inline long kvm_hypercall3(unsigned int nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3)
{
    unsigned long in[8] = {p1, p2, p3}, out[8];
    return kvm_hypercall(in, out, nr);
}

static inline long kvm_hypercall4(unsigned int nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3, unsigned long p4)
{
    unsigned long in[8] = {p1, p2, p3, p4}, out[8];
    return kvm_hypercall(in, out, nr);
}

/* KVM_HC_FEATURES: the KVM_FEATURE_* bits, 0 if the call fails (as kvm_arch_para_features). */
unsigned long kvm_arch_para_features(void);

/* Whether /hypervisor is compatible "linux,kvm" (Linux's kvm_para_available on PowerPC). */
bool kvm_para_available(void);

/* KVM_HC_PPC_MAP_MAGIC_PAGE with r3 = real address pa, r4 = effective address ea | flags.
 * Returns r3; *features gets r4. */
long kvm_map_magic_page(unsigned long pa, unsigned long ea_flags, unsigned long *features);

/* ---- ePAPR wrappers ---- */

/* EV_IDLE: halt until an interrupt. Returns r3. */
unsigned long ev_idle(void);

/* Send count (<= 16) bytes on byte channel handle. Returns r3; *sent gets r4 if not NULL. */
unsigned long ev_byte_channel_send(unsigned long handle, unsigned long count, const char *buf,
                                   unsigned long *sent);

/* The console's byte channel handle (hv-handle of /hypervisor/console), or -1 without one. */
extern long epapr_console_handle;

#endif
