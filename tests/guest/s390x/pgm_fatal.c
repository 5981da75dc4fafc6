/* Program interruptions the guest cannot survive; each ends the run with status 80, a reason
 * and a register dump: no handler (zero program new PSW), an invalid program new PSW, a handler
 * whose first instruction faults, and a handler that faults further in, forever. */
#include "guest/s390x/s390.h"

static volatile struct s390_psw *const pgm_new = (volatile struct s390_psw *)S390_LC_PGM_NEW_PSW;

__attribute__((aligned(8), used)) static const uint16_t bad_handler[4] = {0x0000, 0x0000};
/* lghi %r1,1; aghi %r1,1; then an invalid opcode */
__attribute__((aligned(8), used)) static const uint16_t deep_handler[6] = {0xa719, 0x0001, 0xa71b,
                                                                           0x0001, 0x0000, 0x0000};

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
#if defined(CASE_pgm_no_handler)
    gprintf("clearing the program new PSW\n");
    pgm_new->mask = 0;
    pgm_new->addr = 0;
#elif defined(CASE_pgm_bad_new_psw)
    gprintf("program new PSW with bit 12 set\n");
    pgm_new->mask = S390_PSW_64 | 0x0008000000000000UL;
    pgm_new->addr = (uint64_t)(uintptr_t)s390_pgm_entry;
#elif defined(CASE_pgm_loop)
    gprintf("program new PSW at an invalid instruction\n");
    pgm_new->mask = S390_PSW_64;
    pgm_new->addr = (uint64_t)(uintptr_t)bad_handler;
#elif defined(CASE_pgm_deep_loop)
    gprintf("program new PSW at a handler that faults after two instructions\n");
    pgm_new->mask = S390_PSW_64;
    pgm_new->addr = (uint64_t)(uintptr_t)deep_handler;
#endif
    __asm__ volatile(".short 0x0000" ::: "memory"); /* operation exception */
    gprintf("FAIL: still running\n");
    return 1;
}
