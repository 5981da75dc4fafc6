/* DIAGNOSE 0x500 changes r2 and nothing else: every other general register and the condition
 * code are as they were (two condition codes, two call sites). */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

void diag_regs_probe(uint64_t out[16], uint64_t *cc, unsigned which);
extern const uint64_t diag_regs_in[16];

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_diag_regs");
    for (unsigned which = 0; which < 2; which++) {
        for (unsigned round = 0; round < 3; round++) {
            uint64_t out[16], cc = 99;
            diag_regs_probe(out, &cc, which);
            for (int r = 0; r < 16; r++)
                EXPECT_EQ(out[r], r == 2 ? bi->ram_size - 1 : diag_regs_in[r]);
            EXPECT_EQ(cc, which == 0 ? 1 : 3);
        }
    }
    test_done();
}
