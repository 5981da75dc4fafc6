/* Guest test: a hypercall changes RAX only: other GPRs, RFLAGS and RSP keep their values. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

struct probe {
    uint64_t gpr[15]; /* rax rbx rcx rdx rsi rdi rbp r8 .. r15 */
    uint64_t rflags;
    uint64_t rsp;
};

_Static_assert(sizeof(struct probe) == 136, "matches hypercall_regs_asm.S");

extern struct probe probe_in, probe_before, probe_out;
void probe_vmcall(void);
void probe_vmmcall(void);

static const char *const gpr_names[15] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                          "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* RFLAGS patterns: status flags and DF all set, then all clear (IF and TF stay clear). */
#define FLAGS_SET                                                                                  \
    (X86_RFLAGS_FIXED | X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | X86_RFLAGS_ZF |            \
     X86_RFLAGS_SF | X86_RFLAGS_DF | X86_RFLAGS_OF)
#define FLAGS_CLEAR X86_RFLAGS_FIXED

static void run_case(bool vmmcall, uint64_t nr, uint64_t seed, uint64_t rflags, int64_t want_rax)
{
    for (int i = 1; i < 15; i++) /* distinct, recognisable values in every 64-bit register */
        probe_in.gpr[i] = (seed * (uint64_t)(i + 1)) ^ ((uint64_t)i << 56) ^ 0x0F1E2D3C4B5A6978ull;
    probe_in.gpr[0] = nr;
    probe_in.rflags = rflags;
    gprintf("check: %s nr 0x%lx rflags 0x%lx: RAX = %ld, everything else unchanged\n",
            vmmcall ? "vmmcall" : "vmcall", nr, rflags, (long)want_rax);
    if (vmmcall)
        probe_vmmcall();
    else
        probe_vmcall();
    EXPECT_EQ(probe_out.gpr[0], (uint64_t)want_rax);
    for (int i = 1; i < 15; i++) {
        if (probe_out.gpr[i] != probe_in.gpr[i])
            gprintf("  %s changed\n", gpr_names[i]);
        EXPECT_EQ(probe_out.gpr[i], probe_in.gpr[i]);
    }
    EXPECT_EQ(probe_before.rflags, rflags); /* the pattern really was loaded */
    EXPECT_EQ(probe_out.rflags, probe_before.rflags);
    EXPECT_EQ(probe_out.rsp, probe_before.rsp);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_hypercall_regs");
    x86_init(bi, false);
    bool vmmcall = x86_native_vmmcall();
    gprintf("native hypercall instruction: %s\n", vmmcall ? "VMMCALL" : "VMCALL");

    run_case(vmmcall, KVM_HC_VAPIC_POLL_IRQ, 0x1111111111111111ull, FLAGS_SET, 0);
    run_case(vmmcall, KVM_HC_VAPIC_POLL_IRQ, 0x2222222222222222ull, FLAGS_CLEAR, 0);
    run_case(vmmcall, 0x7777, 0x3333333333333333ull, FLAGS_SET, -KVM_ENOSYS);
    run_case(vmmcall, 0x7777, 0x4444444444444444ull, FLAGS_CLEAR, -KVM_ENOSYS);
    run_case(vmmcall, 0xFFFFFFFF12345678ull, 0x5555555555555555ull, FLAGS_SET, -KVM_ENOSYS);
    run_case(vmmcall, KVM_HC_KICK_CPU, 0x6666666666666666ull, FLAGS_CLEAR,
             (kvm_arch_para_features() & (1u << KVM_FEATURE_PV_UNHALT)) ? 0 : -KVM_ENOSYS);
    test_done();
}
