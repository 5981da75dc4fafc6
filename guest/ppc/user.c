/* Leaving problem state from an interrupt handler: back to ppc_enter_user's caller. */
#include "guest/ppc/ppc.h"

extern char ppc_user_resume[];
extern unsigned long ppc_user_ctx[24]; /* usermode.S: ..., [23] the supervisor MSR */

void ppc_user_return(struct ppc_regs *r, long value)
{
    r->srr0 = (unsigned long)ppc_user_resume;
    r->srr1 = ppc_user_ctx[23];
    r->gpr[3] = (unsigned long)value;
}

void ppc_user_sc_return(struct ppc_regs *r)
{
    ppc_user_return(r, (long)r->gpr[3]);
}
