/* Guest test: hypercall instructions at the end of a page and straddling two pages. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

long edge_vmcall(long nr);
long edge_vmmcall(long nr);
extern const uint8_t edge_vmcall_insn[], edge_vmmcall_insn[];

/* Two virtually adjacent pages backed by physical pages that are not adjacent, so a hypervisor
 * that fetches the instruction bytes without translating the second page reads the wrong ones. */
#define SPLIT_VA 0x100000000000ul /* 16 TiB: nothing else is mapped there */

static uint8_t *phys_a, *phys_b;

typedef long (*code_fn)(long nr);

/* Place "mov %rdi, %rax; insn; ret" so that insn starts at SPLIT_VA + 4096 - before, i.e. with
 * `before` bytes (1..3) on the first page. Returns the function. */
static code_fn place_split(const uint8_t insn[3], unsigned before)
{
    static const uint8_t mov_rdi_rax[3] = {0x48, 0x89, 0xF8}; /* mov %rdi, %rax */
    memset(phys_a, 0xCC, 4096);                               /* int3 everywhere else */
    memset(phys_b, 0xCC, 4096);
    /* The physical page after A holds a ud2 pattern, in case it is read instead of B. */
    uint8_t *va = (uint8_t *)SPLIT_VA;
    uint8_t *start = va + 4096 - before - 3;
    uint8_t code[7];
    memcpy(code, mov_rdi_rax, 3);
    memcpy(code + 3, insn, 3);
    code[6] = 0xC3; /* ret */
    for (unsigned i = 0; i < 7; i++)
        start[i] = code[i]; /* through the split mapping */
    return (code_fn)(uintptr_t)start;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_hypercall_page_edge");
    x86_init(bi, true);
    bool amd = x86_native_vmmcall();
    code_fn edge = amd ? edge_vmmcall : edge_vmcall;
    const uint8_t *insn = amd ? edge_vmmcall_insn : edge_vmcall_insn;
    gprintf("native hypercall instruction: %s\n", amd ? "VMMCALL" : "VMCALL");

    gprintf("check: the instruction at 0x%lx ends on the last byte of its page\n",
            (unsigned long)(uintptr_t)insn);
    EXPECT_EQ((uintptr_t)insn & 0xFFF, 0xFFD);
    gprintf("check: it works (RAX result, execution continues on the next page)\n");
    EXPECT_EQ(edge(KVM_HC_VAPIC_POLL_IRQ), 0);
    EXPECT_EQ(edge(0x7777), -KVM_ENOSYS);
    EXPECT_EQ(edge(KVM_HC_VAPIC_POLL_IRQ), 0);

    /* Split mapping: three pool pages, use the first and the third. */
    phys_a = x86_pt_alloc_page();
    uint8_t *middle = x86_pt_alloc_page();
    phys_b = x86_pt_alloc_page();
    for (unsigned i = 0; i < 4096; i += 2) {
        middle[i] = 0x0F; /* ud2 */
        middle[i + 1] = 0x0B;
    }
    x86_pt_map(SPLIT_VA, (uintptr_t)phys_a, X86_PTE_P | X86_PTE_W);
    x86_pt_map(SPLIT_VA + 4096, (uintptr_t)phys_b, X86_PTE_P | X86_PTE_W);
    gprintf("split mapping: 0x%lx -> 0x%lx, 0x%lx -> 0x%lx\n", SPLIT_VA,
            (unsigned long)(uintptr_t)phys_a, SPLIT_VA + 4096, (unsigned long)(uintptr_t)phys_b);

    static const uint8_t vmcall_bytes[3] = {0x0F, 0x01, 0xC1};  /* vmcall */
    static const uint8_t vmmcall_bytes[3] = {0x0F, 0x01, 0xD9}; /* vmmcall */
    const uint8_t *native = amd ? vmmcall_bytes : vmcall_bytes;
    for (unsigned before = 3; before >= 1; before--) {
        gprintf("check: instruction with %u byte(s) on the first page, %u on the second\n", before,
                3 - before);
        code_fn fn = place_split(native, before);
        EXPECT_EQ(fn(KVM_HC_VAPIC_POLL_IRQ), 0);
        EXPECT_EQ(fn(0x7777), -KVM_ENOSYS);
    }
    test_done();
}
