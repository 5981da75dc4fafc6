/* Program and SVC interruptions delivered through the lowcore: operation (2-, 4- and 6-byte
 * opcodes), specification, addressing (load, store, instruction fetch), privileged operation
 * and SVC from problem state, SVC from supervisor state. Each checks the interruption code, the
 * ILC, the old PSW's address (past the instruction for these suppressing conditions) and mask
 * (problem state, condition code). */
#include "guest/s390x/s390.h"

#define PROBE(name)                                                                                \
    void name##_probe(void);                                                                       \
    extern char name##_at[]

PROBE(op2);
PROBE(op4);
PROBE(op6);
PROBE(spec);
PROBE(svc);
void addr_load_probe(uint64_t where);
void addr_store_probe(uint64_t where);
extern char addr_load_at[], addr_store_at[];
void pstate_probe(int svc);
extern char pstate_lpswe_at[], pstate_svc_at[], pstate_back[];

static struct s390_irq_frame last;
static bool to_supervisor; /* redirect the guest to pstate_back in supervisor state */
static bool to_caller;     /* resume at the caller (r14): for a fetch from nowhere */

static void record(struct s390_irq_frame *f)
{
    last = *f;
    if (to_supervisor) {
        f->psw.mask = S390_PSW_64;
        f->psw.addr = (uint64_t)(uintptr_t)pstate_back;
    } else if (to_caller) {
        f->psw.addr = f->gpr[14];
    }
}

static void expect(const char *what, uint32_t kind, uint32_t code, uint32_t ilen, const char *at,
                   bool pstate)
{
    EXPECT_EQ(last.kind, kind);
    EXPECT_EQ(last.code, code);
    EXPECT_EQ(last.ilen, ilen);
    EXPECT_EQ(last.psw.addr, (uint64_t)(uintptr_t)at + ilen);
    EXPECT_EQ(last.psw.mask & ~S390_PSW_CC, S390_PSW_64 | (pstate ? S390_PSW_PSTATE : 0));
    gprintf("%s: code 0x%x ilc %u old PSW %016lx %016lx\n", what, last.code, last.ilen / 2,
            last.psw.mask, last.psw.addr);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_pgm");
    s390_set_program_handler(record);
    s390_set_svc_handler(record);

    op2_probe();
    expect("operation/2", S390_IRQ_PROGRAM, S390_PGM_OPERATION, 2, op2_at, false);
    EXPECT_EQ(last.psw.mask & S390_PSW_CC, 3UL << S390_PSW_CC_SHIFT);
    op4_probe();
    expect("operation/4", S390_IRQ_PROGRAM, S390_PGM_OPERATION, 4, op4_at, false);
    op6_probe();
    expect("operation/6", S390_IRQ_PROGRAM, S390_PGM_OPERATION, 6, op6_at, false);
    spec_probe();
    expect("specification", S390_IRQ_PROGRAM, S390_PGM_SPECIFICATION, 2, spec_at, false);

    /* Addressing: RAM ends at ram_size; the test device is not RAM either at other offsets. */
    uint64_t nowhere[] = {bi->ram_size, bi->ram_size + 0x10000, 0xE0000000UL};
    for (unsigned i = 0; i < ARRAY_SIZE(nowhere); i++) {
        addr_load_probe(nowhere[i]);
        expect("addressing/load", S390_IRQ_PROGRAM, S390_PGM_ADDRESSING, 6, addr_load_at, false);
        addr_store_probe(nowhere[i]);
        expect("addressing/store", S390_IRQ_PROGRAM, S390_PGM_ADDRESSING, 6, addr_store_at, false);
    }
    /* An instruction fetch from outside RAM (past its end, the test device, the virtio
     * console): addressing, the old PSW past the (unfetchable) instruction by the ILC the CPU
     * reports. */
    uint64_t no_code[] = {bi->ram_size + 0x2000, 0xF0000800UL, 0xF0001000UL};
    uint32_t n = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(no_code); i++) {
        to_caller = true;
        n = last.count;
        ((void (*)(void))(uintptr_t)no_code[i])();
        to_caller = false;
        EXPECT_EQ(last.count, n + 1);
        EXPECT_EQ(last.code, S390_PGM_ADDRESSING);
        EXPECT_EQ(last.ilen, 2);
        EXPECT_EQ(last.psw.addr, no_code[i] + last.ilen);
    }

    /* SVC from supervisor state: the SVC number and the old PSW past the SVC. */
    svc_probe();
    expect("svc", S390_IRQ_SVC, 42, 2, svc_at, false);

    /* Problem state: LPSWE is privileged; SVC works and is how the guest gets back. */
    to_supervisor = true;
    pstate_probe(0);
    expect("privileged", S390_IRQ_PROGRAM, S390_PGM_PRIVILEGED, 4, pstate_lpswe_at, true);
    pstate_probe(1);
    expect("svc/problem", S390_IRQ_SVC, 7, 2, pstate_svc_at, true);
    to_supervisor = false;
    EXPECT_EQ(s390_psw_mask() & S390_PSW_PSTATE, 0);

    /* The same faults again, now from translated code softkvm has seen before. */
    for (int i = 0; i < 3; i++) {
        n = last.count;
        op2_probe();
        spec_probe();
        EXPECT_EQ(last.code, S390_PGM_SPECIFICATION);
    }
    test_done();
}
