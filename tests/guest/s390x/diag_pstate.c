/* DIAGNOSE from problem state: a privileged-operation exception (code 2, ILC 2) through the
 * program old/new PSWs, the old PSW in problem state and past the DIAGNOSE, r2 untouched; and
 * the hypercall still works from supervisor state afterwards. */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

void pstate_diag_probe(void);
extern char pstate_code[], pstate_diag[], pstate_return[];

static struct s390_irq_frame seen;

static void back_to_supervisor(struct s390_irq_frame *f)
{
    seen = *f;
    f->psw.mask = S390_PSW_64;
    f->psw.addr = (uint64_t)(uintptr_t)pstate_return;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_diag_pstate");
    s390_set_program_handler(back_to_supervisor);
    for (int round = 0; round < 3; round++) {
        uint32_t before = seen.count;
        pstate_diag_probe();
        EXPECT_EQ(seen.count, before + 1);
        EXPECT_EQ(seen.kind, S390_IRQ_PROGRAM);
        EXPECT_EQ(seen.code, S390_PGM_PRIVILEGED);
        EXPECT_EQ(seen.ilen, 4);
        EXPECT_EQ(seen.psw.addr, (uint64_t)(uintptr_t)pstate_diag + 4);
        EXPECT_EQ(seen.psw.mask & ~S390_PSW_CC, S390_PSW_64 | S390_PSW_PSTATE);
        EXPECT_EQ(seen.gpr[1], 4);
        EXPECT_EQ(seen.gpr[2], 99);
    }
    EXPECT_EQ(s390_psw_mask() & S390_PSW_PSTATE, 0);
    EXPECT_EQ(kvm_hypercall0(DIAG500_STORAGE_LIMIT), bi->ram_size - 1);
    test_done();
}
