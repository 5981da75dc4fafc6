/* Guest test: an access where nothing is mapped is a machine check (0x200) with SRR0 at the
 * instruction and MSR[ME] cleared in the handler; so is a store to softkvm's stub page. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

unsigned long mcheck_load(unsigned long addr);
void mcheck_store(unsigned long addr);

static unsigned long handler_msr;

static void mc(struct ppc_regs *r)
{
    ppc_trap_record(r);
    handler_msr = mfmsr();
    r->srr0 += 4;
    r->gpr[3] = 0xDEAD;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start(PPC64 ? "ppc64_mcheck" : "ppc_mcheck");
    ppc_trap_set(0x200, mc);
    unsigned long hole = 0x80000000UL; /* above RAM, below the devices */
    CHECK(bi->ram_size <= hole);

    gprintf("check: a load from 0x%lx\n", hole);
    EXPECT_EQ(mcheck_load(hole), 0xDEAD);
    EXPECT_EQ(ppc_trap_count[2], 1);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)mcheck_load));
    CHECK(!(handler_msr & MSR_ME));
    CHECK(mfmsr() & MSR_ME); /* restored by rfi from SRR1 */

    gprintf("check: a store to the same hole, and to softkvm's read-only stub page\n");
    mcheck_store(hole + 0x1000);
    EXPECT_EQ(ppc_trap_count[2], 2);
    mcheck_store(0xF0010000UL);
    EXPECT_EQ(ppc_trap_count[2], 3);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)mcheck_store));
    test_done();
}
