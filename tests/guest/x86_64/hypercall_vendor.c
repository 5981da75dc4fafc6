/* Guest test: native and foreign hypercall instructions, with hypercall patching on or off. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* Built twice: EXPECT_PATCH=1 runs with softkvm's default (KVM's quirk: the foreign instruction is
 * rewritten to the native one and re-executed), EXPECT_PATCH=0 with --no-hypercall-patching (the
 * foreign instruction raises #UD in the guest). The vendor comes from the boot info. */
#ifndef EXPECT_PATCH
#error "build with -DEXPECT_PATCH=0 or 1"
#endif

typedef long (*site_fn)(long nr);

#define SITE(n)                                                                                    \
    long vmcall_site##n(long);                                                                     \
    long vmmcall_site##n(long);                                                                    \
    extern const uint8_t vmcall_site##n##_insn[], vmmcall_site##n##_insn[];
SITE(0)
SITE(1)
SITE(2)
SITE(3)

struct site {
    site_fn fn;
    const uint8_t *insn;
};

static const struct site vmcall_sites[4] = {
    {vmcall_site0, vmcall_site0_insn},
    {vmcall_site1, vmcall_site1_insn},
    {vmcall_site2, vmcall_site2_insn},
    {vmcall_site3, vmcall_site3_insn},
};
static const struct site vmmcall_sites[4] = {
    {vmmcall_site0, vmmcall_site0_insn},
    {vmmcall_site1, vmmcall_site1_insn},
    {vmmcall_site2, vmmcall_site2_insn},
    {vmmcall_site3, vmmcall_site3_insn},
};

static const uint8_t VMCALL_BYTES[3] = {0x0F, 0x01, 0xC1};  /* vmcall */
static const uint8_t VMMCALL_BYTES[3] = {0x0F, 0x01, 0xD9}; /* vmmcall */

static unsigned ud_count;
static uint64_t ud_rip;

/* #UD: record it; if it is one of the hypercall sites, skip its 3 bytes. */
static void ud_handler(struct trap_frame *f)
{
    ud_count++;
    ud_rip = f->rip;
    for (int i = 0; i < 4; i++) {
        if (f->rip == (uintptr_t)vmcall_sites[i].insn ||
            f->rip == (uintptr_t)vmmcall_sites[i].insn) {
            f->rip += 3;
            return;
        }
    }
    gprintf("#UD at unexpected RIP 0x%lx\n", f->rip);
    trap_print(f);
    guest_exit(X86_UNHANDLED_TRAP_STATUS);
}

static bool bytes_are(const uint8_t *p, const uint8_t *want)
{
    return memcmp(p, want, 3) == 0;
}

static void print_bytes(const char *what, const uint8_t *p)
{
    gprintf("  %s bytes at 0x%lx: %02x %02x %02x\n", what, (unsigned long)(uintptr_t)p, p[0], p[1],
            p[2]);
}

int kmain(const struct skvm_boot_info *bi)
{
    x86_init(bi, false);
    trap_register(X86_VEC_UD, ud_handler);
    bool amd = x86_native_vmmcall();
    test_start(EXPECT_PATCH ? "x86_hypercall_vendor_patch" : "x86_hypercall_vendor_nopatch");
    gprintf("vendor: %s (native %s), patching expected: %s\n", amd ? "AMD" : "Intel",
            amd ? "VMMCALL" : "VMCALL", EXPECT_PATCH ? "yes" : "no");

    const struct site *native = amd ? vmmcall_sites : vmcall_sites;
    const struct site *foreign = amd ? vmcall_sites : vmmcall_sites;
    const uint8_t *native_bytes = amd ? VMMCALL_BYTES : VMCALL_BYTES;
    const uint8_t *foreign_bytes = amd ? VMCALL_BYTES : VMMCALL_BYTES;

    gprintf("check: the native instruction works and is left alone\n");
    EXPECT_EQ(native[0].fn(KVM_HC_VAPIC_POLL_IRQ), 0);
    EXPECT_EQ(native[1].fn(0x7777), -KVM_ENOSYS);
    CHECK(bytes_are(native[0].insn, native_bytes));
    CHECK(bytes_are(native[1].insn, native_bytes));
    EXPECT_EQ(ud_count, 0);

    for (int i = 0; i < 2; i++) {
        long nr = i == 0 ? KVM_HC_VAPIC_POLL_IRQ : 0x7777;
        long want = i == 0 ? 0 : -KVM_ENOSYS;
        const struct site *s = &foreign[i];
        CHECK(bytes_are(s->insn, foreign_bytes));
        ud_count = 0;
        long r = s->fn(nr);
        gprintf("foreign %s nr 0x%lx -> %ld, #UD seen %u\n", amd ? "VMCALL" : "VMMCALL", nr, r,
                ud_count);
        print_bytes("after", s->insn);
        if (EXPECT_PATCH) {
            gprintf("check: patched to the native instruction, the call completes, no #UD\n");
            EXPECT_EQ(r, want);
            EXPECT_EQ(ud_count, 0);
            CHECK(bytes_are(s->insn, native_bytes));
            gprintf("check: the patched site works again\n");
            EXPECT_EQ(s->fn(nr), want);
            EXPECT_EQ(ud_count, 0);
        } else {
            gprintf("check: #UD at the instruction, not executed (RAX still nr), not patched\n");
            EXPECT_EQ(ud_count, 1);
            EXPECT_EQ(ud_rip, (uintptr_t)s->insn);
            EXPECT_EQ(r, nr);
            CHECK(bytes_are(s->insn, foreign_bytes));
            gprintf("check: a second execution faults again\n");
            EXPECT_EQ(s->fn(nr), nr);
            EXPECT_EQ(ud_count, 2);
        }
    }

    if (EXPECT_PATCH) {
        gprintf("check: the foreign instruction through the kvm_para.h helpers is patched too\n");
        ud_count = 0;
        long r = amd ? kvm_hypercall1(KVM_HC_VAPIC_POLL_IRQ, 0)
                     : kvm_hypercall1_vmmcall(KVM_HC_VAPIC_POLL_IRQ, 0);
        EXPECT_EQ(r, 0);
        EXPECT_EQ(ud_count, 0);
    }

    gprintf("check: the native sites still hold the native bytes\n");
    CHECK(bytes_are(native[0].insn, native_bytes));
    CHECK(bytes_are(native[2].insn, native_bytes));
    CHECK(bytes_are(foreign[2].insn, foreign_bytes)); /* never executed */
    test_done();
}
