/* s390x guest interruption handling: the lowcore new PSWs, handler registration, and the default
 * handler that reports an unexpected interruption and fails the run. */
#include "guest/s390x/s390.h"

void s390_irq_dispatch(struct s390_irq_frame *f);

static s390_irq_handler pgm_handler, svc_handler;
static uint32_t pgm_count, svc_count;

void s390_install_new_psws(void)
{
    volatile struct s390_psw *pgm = (volatile struct s390_psw *)S390_LC_PGM_NEW_PSW;
    volatile struct s390_psw *svc = (volatile struct s390_psw *)S390_LC_SVC_NEW_PSW;
    pgm->mask = S390_PSW_64;
    pgm->addr = (uint64_t)(uintptr_t)s390_pgm_entry;
    svc->mask = S390_PSW_64;
    svc->addr = (uint64_t)(uintptr_t)s390_svc_entry;
}

void s390_set_program_handler(s390_irq_handler h)
{
    pgm_handler = h;
}

void s390_set_svc_handler(s390_irq_handler h)
{
    svc_handler = h;
}

static void unexpected(struct s390_irq_frame *f)
{
    gprintf("unexpected %s interruption: code 0x%x, ilen %u, old PSW %016lx %016lx\n",
            f->kind == S390_IRQ_PROGRAM ? "program" : "SVC", f->code, f->ilen, f->psw.mask,
            f->psw.addr);
    guest_exit(3);
}

void s390_irq_dispatch(struct s390_irq_frame *f)
{
    s390_irq_handler h;
    if (f->kind == S390_IRQ_PROGRAM) {
        f->count = ++pgm_count;
        h = pgm_handler;
    } else {
        f->count = ++svc_count;
        h = svc_handler;
    }
    if (h == NULL)
        unexpected(f);
    else
        h(f);
}
