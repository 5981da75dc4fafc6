/* Guest test: KVM's corner cases of hypercall patching: read-only code, CPL 3, split pages. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* Built twice, like hypercall_vendor.c: EXPECT_PATCH=1 for softkvm's default, 0 for a run with
 * --no-hypercall-patching. What KVM does (spec section 4):
 *  - patching writes through the guest's page tables: on a read-only code page (CR0.WP = 1) the
 *    guest gets #PF (write, present; CR2 = the instruction), not #UD;
 *  - at CPL 3, VMCALL on an AMD host fails the emulator's privilege check first: #GP(0) whether
 *    patching is on or off; VMMCALL on an Intel host is patched (a CPL-3 write to the code page,
 *    which must be user-writable) and the re-executed VMCALL returns -KVM_EPERM; with patching off
 *    it is #UD;
 *  - the 3 patched bytes are written through the page tables, so an instruction straddling two
 *    pages is patched in both. */
#ifndef EXPECT_PATCH
#error "build with -DEXPECT_PATCH=0 or 1"
#endif

long ro_vmcall(long), ro_vmmcall(long);
uint64_t user_vmcall(uint64_t), user_vmmcall(uint64_t);
extern uint8_t ro_vmcall_insn[], ro_vmmcall_insn[], user_vmcall_insn[], user_vmmcall_insn[];

static const uint8_t VMCALL_BYTES[3] = {0x0F, 0x01, 0xC1};  /* vmcall */
static const uint8_t VMMCALL_BYTES[3] = {0x0F, 0x01, 0xD9}; /* vmmcall */

#define SPLIT_VA 0x100000000000ul
static uint8_t *phys_a, *phys_b;

/* What the last exception was. */
static unsigned n_ud, n_gp, n_pf;
static uint64_t last_rip, last_err, last_cr2, last_cs;
static uint64_t ro_page; /* page the #PF handler makes writable again */
static uint64_t skip_sites[8];
static unsigned n_skip_sites;

static void record(struct trap_frame *f)
{
    last_rip = f->rip;
    last_err = f->error_code;
    last_cs = f->cs;
}

/* #UD and #GP at a known site: skip the 3-byte instruction. */
static void ud_gp_handler(struct trap_frame *f)
{
    record(f);
    if (f->vector == X86_VEC_UD)
        n_ud++;
    else
        n_gp++;
    for (unsigned i = 0; i < n_skip_sites; i++) {
        if (f->rip == skip_sites[i]) {
            f->rip += 3;
            return;
        }
    }
    gprintf("unexpected exception %lu at 0x%lx\n", f->vector, f->rip);
    trap_print(f);
    guest_exit(X86_UNHANDLED_TRAP_STATUS);
}

/* #PF on the read-only site page: make it writable and retry the instruction. */
static void pf_handler(struct trap_frame *f)
{
    record(f);
    last_cr2 = x86_read_cr2();
    n_pf++;
    if (ro_page != 0 && (last_cr2 & ~0xFFFul) == ro_page) {
        x86_pt_update(ro_page, 0, X86_PTE_W);
        return;
    }
    gprintf("unexpected #PF at 0x%lx, CR2 0x%lx, error 0x%lx\n", f->rip, last_cr2, f->error_code);
    guest_exit(X86_UNHANDLED_TRAP_STATUS);
}

static void reset(void)
{
    n_ud = n_gp = n_pf = 0;
    last_rip = last_err = last_cr2 = last_cs = 0;
}

static void add_skip(const void *site)
{
    skip_sites[n_skip_sites++] = (uintptr_t)site;
}

static void read_only_page(bool amd)
{
    long (*fn)(long) = amd ? ro_vmcall : ro_vmmcall; /* the foreign one */
    uint8_t *insn = amd ? ro_vmcall_insn : ro_vmmcall_insn;
    ro_page = (uintptr_t)insn & ~0xFFFul;
    x86_pt_update(ro_page, X86_PTE_W, 0);
    reset();
    long r = fn(KVM_HC_VAPIC_POLL_IRQ);
    gprintf("foreign instruction on a read-only page -> %ld (#PF %u, #UD %u, error 0x%lx, "
            "CR2 0x%lx)\n",
            r, n_pf, n_ud, last_err, last_cr2);
    if (EXPECT_PATCH) {
        gprintf("check: #PF (present, write, supervisor) at the instruction; after the handler "
                "makes the page writable the retry is patched and completes\n");
        EXPECT_EQ(n_pf, 1);
        EXPECT_EQ(n_ud, 0);
        EXPECT_EQ(last_err, X86_PF_P | X86_PF_W);
        EXPECT_EQ(last_cr2, (uintptr_t)insn);
        EXPECT_EQ(last_rip, (uintptr_t)insn);
        EXPECT_EQ(r, 0);
        CHECK(memcmp(insn, amd ? VMMCALL_BYTES : VMCALL_BYTES, 3) == 0);
    } else {
        gprintf("check: #UD at the instruction, no write attempted (no #PF)\n");
        EXPECT_EQ(n_pf, 0);
        EXPECT_EQ(n_ud, 1);
        EXPECT_EQ(last_rip, (uintptr_t)insn);
        EXPECT_EQ(r, KVM_HC_VAPIC_POLL_IRQ); /* not executed: RAX still holds the number */
        CHECK(memcmp(insn, amd ? VMCALL_BYTES : VMMCALL_BYTES, 3) == 0);
    }
    ro_page = 0;
}

static void cpl3_foreign(bool amd)
{
    uint64_t (*fn)(uint64_t) = amd ? user_vmcall : user_vmmcall;
    uint8_t *insn = amd ? user_vmcall_insn : user_vmmcall_insn;
    reset();
    uint64_t r = x86_enter_user(fn, KVM_HC_VAPIC_POLL_IRQ, X86_USER_STACK_TOP);
    gprintf("foreign instruction at CPL 3 -> 0x%lx (#UD %u, #GP %u error 0x%lx, #PF %u)\n", r, n_ud,
            n_gp, last_err, n_pf);
    if (amd) {
        gprintf("check: VMCALL at CPL 3 on AMD: #GP(0), never patched\n");
        EXPECT_EQ(n_gp, 1);
        EXPECT_EQ(n_ud, 0);
        EXPECT_EQ(last_err, 0);
        EXPECT_EQ(last_rip, (uintptr_t)insn);
        EXPECT_EQ(last_cs, X86_SEL_UCODE);
        EXPECT_EQ(r, KVM_HC_VAPIC_POLL_IRQ);
        CHECK(memcmp(insn, VMCALL_BYTES, 3) == 0);
    } else if (EXPECT_PATCH) {
        gprintf("check: VMMCALL at CPL 3 on Intel: patched to VMCALL, which returns -KVM_EPERM\n");
        EXPECT_EQ(n_gp + n_ud + n_pf, 0);
        EXPECT_EQ(r, (uint64_t)-KVM_EPERM);
        CHECK(memcmp(insn, VMCALL_BYTES, 3) == 0);
    } else {
        gprintf("check: VMMCALL at CPL 3 on Intel without patching: #UD\n");
        EXPECT_EQ(n_ud, 1);
        EXPECT_EQ(n_gp, 0);
        EXPECT_EQ(last_rip, (uintptr_t)insn);
        EXPECT_EQ(last_cs, X86_SEL_UCODE);
        EXPECT_EQ(r, KVM_HC_VAPIC_POLL_IRQ);
        CHECK(memcmp(insn, VMMCALL_BYTES, 3) == 0);
    }
}

/* The foreign instruction straddling two pages of a split mapping: 2 bytes on the first page,
 * the distinguishing third byte (C1 / D9) on the second. */
static void split_foreign(bool amd)
{
    const uint8_t *foreign = amd ? VMCALL_BYTES : VMMCALL_BYTES;
    const uint8_t *native = amd ? VMMCALL_BYTES : VMCALL_BYTES;
    uint8_t *va = (uint8_t *)SPLIT_VA;
    uint8_t *start = va + 4096 - 5; /* mov (3 bytes) at -5, the hypercall at -2 */
    memset(phys_a, 0xCC, 4096);     /* int3 */
    memset(phys_b, 0xCC, 4096);
    static const uint8_t mov_rdi_rax[3] = {0x48, 0x89, 0xF8}; /* mov %rdi, %rax */
    for (int i = 0; i < 3; i++)
        start[i] = mov_rdi_rax[i];
    for (int i = 0; i < 3; i++)
        start[3 + i] = foreign[i];
    start[6] = 0xC3; /* ret */
    uint8_t *insn = start + 3;
    add_skip(insn);
    reset();
    long r = ((long (*)(long))(uintptr_t)start)(0x7777);
    gprintf("foreign instruction straddling pages -> %ld (#UD %u); bytes %02x %02x | %02x\n", r,
            n_ud, phys_a[4094], phys_a[4095], phys_b[0]);
    if (EXPECT_PATCH) {
        gprintf(
            "check: patched across the page boundary (third byte in the second page's frame)\n");
        EXPECT_EQ(n_ud, 0);
        EXPECT_EQ(r, -KVM_ENOSYS);
        EXPECT_EQ(phys_a[4094], native[0]);
        EXPECT_EQ(phys_a[4095], native[1]);
        EXPECT_EQ(phys_b[0], native[2]);
    } else {
        gprintf("check: #UD at the start of the straddling instruction\n");
        EXPECT_EQ(n_ud, 1);
        EXPECT_EQ(last_rip, (uintptr_t)insn);
        EXPECT_EQ(r, 0x7777);
        EXPECT_EQ(phys_b[0], foreign[2]);
    }
}

int kmain(const struct skvm_boot_info *bi)
{
    x86_init(bi, true);
    test_start(EXPECT_PATCH ? "x86_hypercall_patch_edge_patch"
                            : "x86_hypercall_patch_edge_nopatch");
    bool amd = x86_native_vmmcall();
    gprintf("vendor: %s, patching expected: %s\n", amd ? "AMD" : "Intel",
            EXPECT_PATCH ? "yes" : "no");
    trap_register(X86_VEC_UD, ud_gp_handler);
    trap_register(X86_VEC_GP, ud_gp_handler);
    trap_register(X86_VEC_PF, pf_handler);
    add_skip(ro_vmcall_insn);
    add_skip(ro_vmmcall_insn);
    add_skip(user_vmcall_insn);
    add_skip(user_vmmcall_insn);

    phys_a = x86_pt_alloc_page();
    (void)x86_pt_alloc_page(); /* keep the two frames apart */
    phys_b = x86_pt_alloc_page();
    x86_pt_map(SPLIT_VA, (uintptr_t)phys_a, X86_PTE_P | X86_PTE_W);
    x86_pt_map(SPLIT_VA + 4096, (uintptr_t)phys_b, X86_PTE_P | X86_PTE_W);

    read_only_page(amd);
    cpl3_foreign(amd);
    split_foreign(amd);
    test_done();
}
