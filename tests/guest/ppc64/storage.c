/* ppc64 guest test: storage interrupts with translation on (problem state runs translated):
 * data segment (no SLB entry), data storage (no page-table entry; DAR and DSISR as the MMU sets
 * them), instruction storage, with SRR0 at the faulting instruction or fetch address. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

unsigned long mcheck_load(unsigned long addr);

static unsigned long user_stack[2048] __attribute__((aligned(16)));
static struct ppc_regs last;
static volatile unsigned hits;

static void fault(struct ppc_regs *r)
{
    last = *r;
    hits++;
    ppc_user_return(r, -1);
}

static long user_load(long addr)
{
    return (long)mcheck_load((unsigned long)addr);
}

void jump_to(unsigned long addr);

static long user_jump(long addr)
{
    jump_to((unsigned long)addr);
    return 0;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("ppc64_storage");
    EXPECT_EQ(ppc64_mmu_identity(16 << 20), 0);
    ppc_trap_set(0x300, fault);
    ppc_trap_set(0x380, fault);
    ppc_trap_set(0x400, fault);
    ppc_trap_set(0x480, fault);
    ppc_trap_set(0xC00, ppc_user_sc_return);

    gprintf("check: a load inside the mapped 16 MiB works translated\n");
    static volatile unsigned long word = 0x1234;
    EXPECT_EQ(ppc_enter_user(user_load, (long)&word, &user_stack[2048], true), 0);

    gprintf("check: a load from a segment with no SLB entry: data segment (0x380)\n");
    EXPECT_EQ(ppc_enter_user(user_load, 0x20000000L, &user_stack[2048], true), -1);
    EXPECT_EQ(last.vector, 0x380);
    EXPECT_EQ(last.dar, 0x20000000);
    EXPECT_EQ(last.srr0, ppc_code_addr((const void *)mcheck_load));
    CHECK(last.srr1 & MSR_PR);

    gprintf("check: a load from an unmapped page of segment 0: data storage (0x300)\n");
    EXPECT_EQ(ppc_enter_user(user_load, 0x02000008L, &user_stack[2048], true), -1);
    EXPECT_EQ(last.vector, 0x300);
    EXPECT_EQ(last.dar, 0x02000008);
    CHECK(last.dsisr & 0x40000000); /* no translation */
    EXPECT_EQ(last.srr0, ppc_code_addr((const void *)mcheck_load));

    gprintf("check: a jump to an unmapped page: instruction storage (0x400), SRR0 = target\n");
    EXPECT_EQ(ppc_enter_user(user_jump, 0x02000000L, &user_stack[2048], true), -1);
    EXPECT_EQ(last.vector, 0x400);
    EXPECT_EQ(last.srr0, 0x02000000);
    CHECK(last.srr1 & 0x40000000);
    EXPECT_EQ(hits, 3);
    test_done();
}
