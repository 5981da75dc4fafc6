/* x86-64 guest IDT: 256 gates on the common stubs, per-vector C handlers, a recording handler. */
#include "guest/x86_64/x86.h"

struct idt_gate {
    uint16_t offset0;
    uint16_t selector;
    uint8_t ist;  /* bits 2:0 */
    uint8_t attr; /* P, DPL, 0, type */
    uint16_t offset1;
    uint32_t offset2;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

static struct idt_gate idt[256] __attribute__((aligned(16)));
static trap_handler_fn handlers[256];
const void *const x86_idt_table = idt;

extern char x86_isr_stubs[];

uintptr_t x86_isr_stub(unsigned vector)
{
    return (uintptr_t)x86_isr_stubs + 16u * (vector & 0xFF);
}

void x86_idt_set_gate(unsigned vector, unsigned type, unsigned dpl, unsigned ist)
{
    uintptr_t off = x86_isr_stub(vector);
    struct idt_gate *g = &idt[vector & 0xFF];
    g->offset0 = (uint16_t)off;
    g->selector = X86_SEL_KCODE;
    g->ist = (uint8_t)(ist & 7);
    g->attr = (uint8_t)(0x80 | ((dpl & 3) << 5) | (type & 0xF));
    g->offset1 = (uint16_t)(off >> 16);
    g->offset2 = (uint32_t)((uint64_t)off >> 32);
    g->reserved = 0;
}

void x86_idt_set_present(unsigned vector, bool present)
{
    struct idt_gate *g = &idt[vector & 0xFF];
    g->attr = (uint8_t)(present ? (g->attr | 0x80) : (g->attr & ~0x80));
}

void x86_lidt(const void *base, uint16_t limit)
{
    struct x86_dtr idtr = {limit, (uint64_t)(uintptr_t)base};
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

static void user_exit_handler(struct trap_frame *f)
{
    if ((f->cs & 3) != 3) {
        gprintf("user-exit vector raised at CPL %u\n", (unsigned)(f->cs & 3));
        trap_print(f);
        guest_exit(X86_UNHANDLED_TRAP_STATUS);
    }
    x86_user_return(f, f->rax);
}

void x86_idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        x86_idt_set_gate(v, X86_GATE_INTERRUPT, 0, 0);
    x86_idt_set_gate(X86_VEC_USER_EXIT, X86_GATE_INTERRUPT, 3, 0);
    handlers[X86_VEC_USER_EXIT] = user_exit_handler;
    x86_lidt(idt, sizeof(idt) - 1);
}

trap_handler_fn trap_register(unsigned vector, trap_handler_fn fn)
{
    trap_handler_fn old = handlers[vector & 0xFF];
    handlers[vector & 0xFF] = fn;
    return old;
}

void trap_print(const struct trap_frame *f)
{
    gprintf("  vector %lu error 0x%lx rip 0x%lx cs 0x%lx rflags 0x%lx rsp 0x%lx ss 0x%lx\n",
            f->vector, f->error_code, f->rip, f->cs, f->rflags, f->rsp, f->ss);
    gprintf("  rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx rsi 0x%lx rdi 0x%lx rbp 0x%lx\n", f->rax,
            f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp);
    gprintf("  r8 0x%lx r9 0x%lx r10 0x%lx r11 0x%lx r12 0x%lx r13 0x%lx r14 0x%lx r15 0x%lx\n",
            f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
    if (f->vector == X86_VEC_PF)
        gprintf("  cr2 0x%lx\n", x86_read_cr2());
}

void trap_dispatch(struct trap_frame *f)
{
    /* Taken in x86_safe_halt's STI shadow: resume after the HLT, the event has arrived. */
    if (f->rip == (uintptr_t)x86_safe_halt_hlt)
        f->rip++;
    trap_handler_fn fn = handlers[f->vector & 0xFF];
    if (fn != NULL) {
        fn(f);
        return;
    }
    gprintf("unhandled trap %lu\n", f->vector);
    trap_print(f);
    guest_exit(X86_UNHANDLED_TRAP_STATUS);
}

volatile struct trap_record trap_last;
volatile unsigned trap_count[256];
volatile uint64_t trap_resume_rip;

void trap_record_handler(struct trap_frame *f)
{
    trap_last.frame = *f;
    trap_last.cr2 = x86_read_cr2();
    trap_last.handler_rsp = x86_read_rsp();
    trap_last.frame_addr = (uint64_t)(uintptr_t)f;
    trap_count[f->vector & 0xFF]++;
    if (trap_resume_rip != 0) {
        f->rip = trap_resume_rip;
        trap_resume_rip = 0;
    }
}

void trap_record_reset(void)
{
    memset((void *)&trap_last, 0, sizeof(trap_last));
    for (unsigned v = 0; v < 256; v++)
        trap_count[v] = 0;
    trap_resume_rip = 0;
}

unsigned trap_total(void)
{
    unsigned n = 0;
    for (unsigned v = 0; v < 256; v++)
        n += trap_count[v];
    return n;
}
