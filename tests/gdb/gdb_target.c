/* Guest driven by the gdb tests: gdb breaks, watches and writes its variables, and the exit
 * status tells what gdb did (42: gdb wrote gdb_answer; 1: nobody did). */
#include "guest/softkvm_guest.h"
#ifdef __x86_64__
#include "guest/x86_64/smp.h"
#include "guest/x86_64/x86.h"
#endif

volatile unsigned long gdb_counter; /* a watchpoint's target: gdb_bump changes it */
volatile int gdb_answer;            /* gdb writes 42 here */
volatile int gdb_release;           /* gdb_wait spins until gdb sets it (after a Ctrl-C) */
volatile unsigned long gdb_spins;

void gdb_bump(int step);
void gdb_wait(void);

__attribute__((noinline)) void gdb_bump(int step)
{
    gdb_counter += (unsigned long)step;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void gdb_wait(void)
{
    while (!gdb_release)
        gdb_spins++;
}

int kmain(const struct skvm_boot_info *bi)
{
#ifdef __x86_64__
    x86_init(bi, true); /* paging on: gdb's addresses go through the page tables */
    if (bi->ncpus > 1) {
        smp_init();
        gprintf("%u vCPUs online\n", smp_boot_aps());
    }
#else
    (void)bi;
#endif
    for (int i = 1; i <= 3; i++)
        gdb_bump(i);
    gdb_wait();
    gprintf("counter %lu answer %d\n", gdb_counter, gdb_answer);
    return gdb_answer == 42 ? 42 : 1;
}
