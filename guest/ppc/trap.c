/* PowerPC guest exception dispatch: per-vector handlers called from the vector code, a recording
 * handler for tests, and the default that reports and ends the run. */
#include "guest/ppc/ppc.h"

#define NSLOTS (0x1800 / 0x20)

static ppc_trap_fn handlers[NSLOTS];
struct ppc_regs ppc_trap_last;
volatile unsigned ppc_trap_count[0x18];

void ppc_trap_dispatch(struct ppc_regs *r);

void ppc_trap_set(unsigned vector, ppc_trap_fn fn)
{
    if (vector < 0x1800 && vector % 0x20 == 0)
        handlers[vector / 0x20] = fn;
}

void ppc_trap_record(struct ppc_regs *r)
{
    ppc_trap_last = *r;
    if ((r->vector >> 8) < 0x18)
        ppc_trap_count[r->vector >> 8]++;
    if ((r->vector & ~0xFFUL) == 0x700)
        r->srr0 += 4; /* program interrupts: skip the instruction */
}

static void default_handler(struct ppc_regs *r)
{
    gprintf("unexpected exception: vector 0x%lx SRR0 0x%lx SRR1 0x%lx DAR 0x%lx DSISR 0x%lx "
            "LR 0x%lx r1 0x%lx\n",
            r->vector, r->srr0, r->srr1, r->dar, r->dsisr, r->lr, r->gpr[1]);
    guest_exit(3);
}

void ppc_trap_dispatch(struct ppc_regs *r)
{
    ppc_trap_fn fn = r->vector < 0x1800 ? handlers[r->vector / 0x20] : NULL;
    (fn != NULL ? fn : default_handler)(r);
}
