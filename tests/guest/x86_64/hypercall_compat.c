/* Guest test: hypercalls from compatibility mode use and return only the low 32 bits. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* 32-bit routines for x86_compat_call (CPL 0) and a CPL-3 round trip through the 32-bit user code
 * segment. */
__asm__(".text\n"
        ".code32\n"
        "compat_vmcall32:\n"
        "    vmcall\n" /* 0F 01 C1 */
        "    ret\n"
        "compat_vmmcall32:\n"
        "    vmmcall\n" /* 0F 01 D9 */
        "    ret\n"
        ".code64\n"
        /* uint64_t user_compat_hc(uint64_t rax = rdi): at CPL 3, RAX = rdi (all 64 bits), switch
         * to the 32-bit user code segment, hypercall, back to 64-bit, return the full RAX.
         * user_native_vmmcall (in .user.data) selects the instruction. */
        ".pushsection .user.text, \"ax\", @progbits\n"
        "user_compat_hc:\n"
        "    movq %rdi, %rax\n"
        "    pushq $0x33\n" /* X86_SEL_UCODE32 */
        "    pushq $1f\n"
        "    lretq\n"
        ".code32\n"
        "1:  cmpb $0, user_native_vmmcall\n" /* DS is X86_SEL_UDATA (x86_enter_user) */
        "    jne 2f\n"
        "    vmcall\n"
        "    jmp 3f\n"
        "2:  vmmcall\n"
        "3:  pushl $0x23\n" /* X86_SEL_UCODE */
        "    pushl $4f\n"
        "    lret\n"
        ".code64\n"
        "4:  ret\n"
        ".popsection\n");

extern char compat_vmcall32[], compat_vmmcall32[];
uint64_t user_compat_hc(uint64_t rax);
X86_USER_DATA uint8_t user_native_vmmcall;

static uint32_t entry32;

static void compat_case(uint64_t rax, uint64_t want_rax)
{
    struct x86_compat_regs r = {
        .rax = rax,
        .rbx = 0xB0B0B0B000000001ul,
        .rcx = 0xC0C0C0C000000002ul,
        .rdx = 0xD0D0D0D000000003ul,
        .rsi = 0x5151515100000004ul,
        .rdi = 0xD1D1D1D100000005ul,
        .rbp = 0xBBBBBBBB00000006ul,
    };
    struct x86_compat_regs in = r;
    gprintf("check: compat-mode hypercall RAX 0x%lx -> RAX 0x%lx, other registers intact\n", rax,
            want_rax);
    x86_compat_call(entry32, &r);
    EXPECT_EQ(r.rax, want_rax);
    EXPECT_EQ(r.rbx, in.rbx);
    EXPECT_EQ(r.rcx, in.rcx);
    EXPECT_EQ(r.rdx, in.rdx);
    EXPECT_EQ(r.rsi, in.rsi);
    EXPECT_EQ(r.rdi, in.rdi);
    EXPECT_EQ(r.rbp, in.rbp);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_hypercall_compat");
    x86_init(bi, true);
    bool amd = x86_native_vmmcall();
    entry32 = (uint32_t)(uintptr_t)(amd ? compat_vmmcall32 : compat_vmcall32);
    gprintf("native hypercall instruction: %s\n", amd ? "VMMCALL" : "VMCALL");

    gprintf("the number is truncated to 32 bits: 0x100000001 is VAPIC_POLL_IRQ\n");
    compat_case(0x0000000100000001ul, 0);
    compat_case(KVM_HC_VAPIC_POLL_IRQ, 0);
    compat_case(0xFFFFFFFF00000001ul, 0);
    gprintf("the result is truncated to 32 bits: -KVM_ENOSYS is 0xFFFFFC18, upper half 0\n");
    compat_case(0xDEADBEEF00007777ul, 0x00000000FFFFFC18ul);
    compat_case(0x7777, 0x00000000FFFFFC18ul);
    compat_case(0xFFFFFFFF12345678ul, 0x00000000FFFFFC18ul);

    gprintf("check: compat mode at CPL 3: -KVM_EPERM truncated to 0xFFFFFFFF\n");
    user_native_vmmcall = amd;
    EXPECT_EQ(x86_enter_user(user_compat_hc, 0xABCD000000000001ul, X86_USER_STACK_TOP),
              0x00000000FFFFFFFFul);

    gprintf("check: 64-bit mode afterwards is not truncated\n");
    EXPECT_EQ(kvm_hypercall_raw(0x100000001ul, 0, 0, 0, 0, amd), -KVM_ENOSYS);
    EXPECT_EQ(kvm_hypercall_raw(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0, amd), 0);
    test_done();
}
