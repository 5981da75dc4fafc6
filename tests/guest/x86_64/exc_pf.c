/* Guest test: #PF error codes and CR2 for not-present, read-only, user/supervisor, NX and RSVD. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

FAULT_CASE(pf_read, "", "movq (%rdi), %rax")
FAULT_CASE(pf_write, "movq $0x5a5a5a5a, %rax", "movq %rax, (%rdi)")
FAULT_CASE(pf_call, "", "call *%rdi")
USER_FAULT_CASE(upf_read, "", "movq (%rdi), %rax")
USER_FAULT_CASE(upf_write, "movq $0x5a5a5a5a, %rax", "movq %rax, (%rdi)")
USER_FAULT_CASE(upf_call, "", "call *%rdi")

static uint8_t sup_page[4096] __attribute__((aligned(4096)));  /* kernel data page */
static uint8_t code_page[4096] __attribute__((aligned(4096))); /* holds a ret */
X86_USER_DATA static uint8_t user_page[4096] __attribute__((aligned(4096)));

/* #PF: record; an instruction fetch fault came from a call into the page, so return to the caller
 * (pop the return address) instead of resuming at a label. */
static void pf_handler(struct trap_frame *f)
{
    trap_record_handler(f);
    if (f->error_code & X86_PF_I) {
        f->rip = *(uint64_t *)(uintptr_t)f->rsp;
        f->rsp += 8;
    }
}

/* One access that must fault: run it, check vector, error code, CR2, RIP and CS. */
static void expect_pf(const char *what, bool user, uint64_t (*fn)(uint64_t), char *insn,
                      char *resume, uint64_t addr, uint64_t err)
{
    gprintf("check: %s at 0x%lx: #PF error 0x%lx, CR2 = address\n", what, addr, err);
    if (user)
        run_user_case(fn, err & X86_PF_I ? NULL : resume, addr);
    else
        run_case(fn, err & X86_PF_I ? NULL : resume, addr);
    EXPECT_EQ(trap_count[X86_VEC_PF], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.error_code, err);
    EXPECT_EQ(trap_last.cr2, addr);
    EXPECT_EQ(trap_last.frame.rip, err & X86_PF_I ? addr : (uintptr_t)insn);
    EXPECT_EQ(trap_last.frame.cs, user ? X86_SEL_UCODE : X86_SEL_KCODE);
}

static void expect_ok(const char *what, bool user, uint64_t (*fn)(uint64_t), uint64_t addr)
{
    gprintf("check: %s at 0x%lx: no fault\n", what, addr);
    if (user)
        run_user_case(fn, NULL, addr);
    else
        run_case(fn, NULL, addr);
    EXPECT_EQ(trap_total(), 0);
}

#define SIZE_2M (2ul << 20)

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_pf");
    x86_init(bi, true);
    trap_register(X86_VEC_PF, pf_handler);
    gprintf("CR0 0x%lx (WP %s), CR4 0x%lx, EFER 0x%lx\n", x86_read_cr0(),
            (x86_read_cr0() >> 16) & 1 ? "on" : "off", x86_read_cr4(), x86_rdmsr(0xC0000080));

    uint64_t sup = (uintptr_t)sup_page, usr = (uintptr_t)user_page, code = (uintptr_t)code_page;
    code_page[0] = 0xC3; /* ret */
    sup_page[0x18] = 0x77;

    /* CPL 0 */
    x86_pt_update(sup, X86_PTE_P, 0);
    expect_pf("CPL0 read, not present", false, pf_read_fn, pf_read, pf_read_resume, sup + 0x18, 0);
    expect_pf("CPL0 write, not present", false, pf_write_fn, pf_write, pf_write_resume, sup + 0x20,
              X86_PF_W);
    x86_pt_update(sup, X86_PTE_W, X86_PTE_P);
    EXPECT_EQ(run_case(pf_read_fn, NULL, sup + 0x18) & 0xFF, 0x77);
    EXPECT_EQ(trap_total(), 0);
    expect_pf("CPL0 write, read-only (CR0.WP)", false, pf_write_fn, pf_write, pf_write_resume,
              sup + 0x18, X86_PF_P | X86_PF_W);
    EXPECT_EQ(sup_page[0x18], 0x77);
    x86_pt_update(sup, 0, X86_PTE_W);
    expect_ok("CPL0 write, writable again", false, pf_write_fn, sup + 0x18);
    EXPECT_EQ(sup_page[0x18], 0x5a);

    expect_ok("CPL0 call into an executable page", false, pf_call_fn, code);
    x86_pt_update(code, 0, X86_PTE_NX);
    expect_pf("CPL0 fetch, NX page", false, pf_call_fn, pf_call, pf_call_resume, code,
              X86_PF_P | X86_PF_I);
    x86_pt_update(code, X86_PTE_NX | X86_PTE_P, 0);
    expect_pf("CPL0 fetch, not present", false, pf_call_fn, pf_call, pf_call_resume, code,
              X86_PF_I);
    x86_pt_update(code, 0, X86_PTE_P);

    /* CPL 3 */
    expect_ok("CPL3 read of a user page", true, upf_read_fn, usr + 8);
    expect_ok("CPL3 write of a user page", true, upf_write_fn, usr + 8);
    expect_pf("CPL3 read of a supervisor page", true, upf_read_fn, upf_read, upf_read_resume,
              sup + 0x30, X86_PF_P | X86_PF_U);
    expect_pf("CPL3 write of a supervisor page", true, upf_write_fn, upf_write, upf_write_resume,
              sup + 0x30, X86_PF_P | X86_PF_W | X86_PF_U);
    expect_pf("CPL3 fetch from a supervisor page", true, upf_call_fn, upf_call, upf_call_resume,
              code, X86_PF_P | X86_PF_U | X86_PF_I);
    x86_pt_update(usr, X86_PTE_W, 0);
    expect_ok("CPL3 read of a read-only user page", true, upf_read_fn, usr + 8);
    expect_pf("CPL3 write of a read-only user page", true, upf_write_fn, upf_write,
              upf_write_resume, usr + 8, X86_PF_P | X86_PF_W | X86_PF_U);
    x86_pt_update(usr, X86_PTE_P, X86_PTE_W);
    expect_pf("CPL3 read, not present", true, upf_read_fn, upf_read, upf_read_resume, usr + 0x40,
              X86_PF_U);
    expect_pf("CPL3 write, not present", true, upf_write_fn, upf_write, upf_write_resume,
              usr + 0x40, X86_PF_W | X86_PF_U);
    x86_pt_update(usr, 0, X86_PTE_P);

    /* A 2 MiB page (the upper half of RAM is mapped with them). */
    uint64_t big = (bi->ram_size / 2) & ~(SIZE_2M - 1);
    uint64_t *pde = x86_pt_walk(big, 2);
    CHECK(pde != NULL && (*pde & X86_PTE_PS));
    if (pde != NULL && (*pde & X86_PTE_PS)) {
        gprintf("2 MiB page at 0x%lx\n", big);
        uint64_t saved = *pde;
        *pde &= ~X86_PTE_P;
        x86_invlpg(big + 0x12345);
        expect_pf("CPL0 read, not-present 2 MiB page", false, pf_read_fn, pf_read, pf_read_resume,
                  big + 0x12345, 0);
        *pde = saved & ~X86_PTE_W;
        x86_invlpg(big + 0x1FFFF8);
        expect_pf("CPL0 write, read-only 2 MiB page", false, pf_write_fn, pf_write, pf_write_resume,
                  big + 0x1FFFF8, X86_PF_P | X86_PF_W);
        *pde = saved;
        x86_invlpg(big);
        expect_pf("CPL3 read, supervisor 2 MiB page", true, upf_read_fn, upf_read, upf_read_resume,
                  big + 0x100, X86_PF_P | X86_PF_U);
        expect_ok("CPL0 read of the restored 2 MiB page", false, pf_read_fn, big + 0x100);
    }

    /* A reserved physical-address bit (above MAXPHYADDR) in a present entry. */
    uint32_t r[4];
    x86_cpuid(0x80000000u, 0, r);
    unsigned maxphys = 0;
    if (r[0] >= 0x80000008u) {
        x86_cpuid(0x80000008u, 0, r);
        maxphys = r[0] & 0xFF;
    }
    gprintf("MAXPHYADDR %u\n", maxphys);
    if (maxphys >= 36 && maxphys < 52) {
        uint64_t rsvd = 1ull << maxphys;
        x86_pt_update(sup, 0, rsvd);
        expect_pf("CPL0 read, reserved bit in the PTE", false, pf_read_fn, pf_read, pf_read_resume,
                  sup + 8, X86_PF_P | X86_PF_RSVD);
        x86_pt_update(sup, rsvd, 0);
    } else {
        gprintf("(no usable MAXPHYADDR in CPUID 0x80000008: reserved-bit case skipped)\n");
    }

    gprintf("check: a NULL access faults (page 0 is not mapped in the guest's tables)\n");
    run_case(pf_read_fn, pf_read_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_PF], 1);
    EXPECT_EQ(trap_last.cr2, 0);
    EXPECT_EQ(trap_last.frame.error_code, 0);
    test_done();
}
