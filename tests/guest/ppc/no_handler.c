/* Negative guest test: vector 0x700 holds zeros (illegal instructions), so a program interrupt
 * raises itself at its own vector: softkvm ends the run (status 80) instead of looping. */
#include "guest/ppc/ppc.h"

void prog_illegal(void);
extern uint32_t ppc_vectors[]; /* the SDK's vectors, at physical 0 */

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("ppc_no_handler");
    volatile uint32_t *vec = &ppc_vectors[0x700 / 4];
    for (int i = 0; i < 64; i++)
        vec[i] = 0;
    __asm__ volatile("sync; icbi 0, %0; isync" ::"r"((unsigned long)vec) : "memory");
    prog_illegal();
    gprintf("FAIL: returned from the illegal instruction\n");
    return 1;
}
