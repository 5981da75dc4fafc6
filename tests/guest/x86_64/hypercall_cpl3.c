/* Guest test: CPL-3 hypercalls return -KVM_EPERM, raise no exception, change nothing else. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

#define REGS_CHANGED 0xBAD0BAD0ul

/* User code: the hypercall with patterns in the argument registers; returns RAX, or REGS_CHANGED
 * if any argument register came back different. Runs at CPL 3 from .user.text. */
#define USER_HC(name, insn)                                                                        \
    X86_USER_TEXT static uint64_t name(uint64_t nr)                                                \
    {                                                                                              \
        uint64_t rax = nr, rbx = 0x1111222233334444ul, rcx = 0x5555666677778888ul;                 \
        uint64_t rdx = 0x99990000AAAABBBBul, rsi = 0xCCCCDDDDEEEEFFFFul;                           \
        __asm__ volatile(insn                                                                      \
                         : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi)                   \
                         :                                                                         \
                         : "memory");                                                              \
        if (rbx != 0x1111222233334444ul || rcx != 0x5555666677778888ul ||                          \
            rdx != 0x99990000AAAABBBBul || rsi != 0xCCCCDDDDEEEEFFFFul)                            \
            return REGS_CHANGED;                                                                   \
        return rax;                                                                                \
    }

USER_HC(user_vmcall, "vmcall")   /* 0F 01 C1 */
USER_HC(user_vmmcall, "vmmcall") /* 0F 01 D9 */

/* Reads CS and returns its RPL (the CPL). */
X86_USER_TEXT static uint64_t user_cpl(uint64_t unused)
{
    (void)unused;
    uint64_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static unsigned faults;

/* Any exception from user code: count it and abandon the user code with a marker value. */
static void user_fault(struct trap_frame *f)
{
    faults++;
    gprintf("unexpected exception %lu (error 0x%lx) at RIP 0x%lx CS 0x%lx\n", f->vector,
            f->error_code, f->rip, f->cs);
    if ((f->cs & 3) == 3)
        x86_user_return(f, 0xDEAD0000ul | f->vector);
    else
        guest_exit(X86_UNHANDLED_TRAP_STATUS);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_hypercall_cpl3");
    x86_init(bi, true);
    for (unsigned v = 0; v < 32; v++)
        trap_register(v, user_fault);
    bool amd = x86_native_vmmcall();
    uint64_t (*hc)(uint64_t) = amd ? user_vmmcall : user_vmcall;
    gprintf("native hypercall instruction: %s\n", amd ? "VMMCALL" : "VMCALL");

    gprintf("check: user code runs at CPL 3\n");
    EXPECT_EQ(x86_enter_user(user_cpl, 0, X86_USER_STACK_TOP), 3);

    gprintf("check: CPL 3 hypercalls return -KVM_EPERM (-1) whatever the number\n");
    EXPECT_EQ(x86_enter_user(hc, KVM_HC_VAPIC_POLL_IRQ, X86_USER_STACK_TOP), (uint64_t)-KVM_EPERM);
    EXPECT_EQ(x86_enter_user(hc, 0x7777, X86_USER_STACK_TOP), (uint64_t)-KVM_EPERM);
    EXPECT_EQ(x86_enter_user(hc, KVM_HC_KICK_CPU, X86_USER_STACK_TOP), (uint64_t)-KVM_EPERM);
    EXPECT_EQ(x86_enter_user(hc, 0xFFFFFFFF12345678ul, X86_USER_STACK_TOP), (uint64_t)-KVM_EPERM);
    gprintf("check: no exception was injected\n");
    EXPECT_EQ(faults, 0);

    gprintf("check: the same calls from CPL 0 still work\n");
    EXPECT_EQ(kvm_hypercall_raw(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0, amd), 0);
    EXPECT_EQ(kvm_hypercall_raw(0x7777, 0, 0, 0, 0, amd), -KVM_ENOSYS);
    test_done();
}
