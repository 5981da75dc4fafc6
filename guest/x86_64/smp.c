/* x86-64 guest SMP: per-CPU data, AP bring-up through the trampoline, idle loop, IPI helpers. */
#include "guest/x86_64/smp.h"

#include "guest/x86_64/fw_cfg.h"

struct smp_cpu smp_cpus[SMP_MAX_CPUS];
unsigned smp_ncpus = 1;
volatile unsigned smp_online;

static uint8_t ap_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE] __attribute__((aligned(4096)));
static uint8_t ap_ist_stacks[SMP_MAX_CPUS][SMP_IST_STACK_SIZE] __attribute__((aligned(4096)));
static uint64_t ap_stack_tops[SMP_MAX_CPUS];

extern char smp_trampoline_start[], smp_trampoline_end[], smp_trampoline_params_image[];

__attribute__((weak)) void ap_main(unsigned cpu)
{
    (void)cpu;
}

volatile struct smp_trampoline_params *smp_trampoline_params(void)
{
    return (volatile struct smp_trampoline_params *)(uintptr_t)(SMP_TRAMPOLINE_ADDR +
                                                                (smp_trampoline_params_image -
                                                                 smp_trampoline_start));
}

static void wake_handler(struct trap_frame *f)
{
    (void)f;
    smp_this_cpu()->wakes++;
    apic_eoi();
}

static void spurious_handler(struct trap_frame *f)
{
    (void)f; /* a spurious interrupt is not in service: no EOI */
}

static void set_gs_base(struct smp_cpu *c)
{
    c->self = c;
    x86_wrmsr(X86_MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

void smp_init(void)
{
    unsigned n = 0;
    if (skvm_boot != NULL && skvm_boot->magic == SKVM_BOOT_MAGIC)
        n = skvm_boot->ncpus;
    if (n == 0)
        n = fw_cfg_ncpus();
    if (n == 0)
        n = 1;
    smp_ncpus = n > SMP_MAX_CPUS ? SMP_MAX_CPUS : n;

    uint32_t id = apic_id();
    struct smp_cpu *c = &smp_cpus[id];
    c->cpu = id;
    c->stack_top = 0; /* the BSP stays on crt0's stack */
    set_gs_base(c);
    trap_register(SMP_VEC_WAKE, wake_handler);
    trap_register(APIC_SPURIOUS_VECTOR, spurious_handler);
    apic_enable();
    c->state = SMP_CPU_ONLINE;
    smp_online = 1;

    /* The trampoline and its parameters. */
    memcpy((void *)(uintptr_t)SMP_TRAMPOLINE_ADDR, smp_trampoline_start,
           (size_t)(smp_trampoline_end - smp_trampoline_start));
    volatile struct smp_trampoline_params *p = smp_trampoline_params();
    extern void smp_ap_entry(uint32_t apicid);
    p->cr0 = (uint32_t)x86_read_cr0();
    p->cr3 = (uint32_t)x86_read_cr3();
    p->cr4 = (uint32_t)x86_read_cr4();
    p->efer = (uint32_t)(x86_rdmsr(X86_MSR_EFER) & ~(1u << 10)); /* LMA is the CPU's to set */
    p->entry = (uint64_t)(uintptr_t)smp_ap_entry;
    p->stacks = (uint64_t)(uintptr_t)ap_stack_tops;
    p->entries = 0;
    for (unsigned i = 0; i < SMP_MAX_CPUS; i++)
        ap_stack_tops[i] = (uint64_t)(uintptr_t)(ap_stacks[i] + SMP_STACK_SIZE);
}

/* Where the trampoline lands (on this CPU's stack, EDI = APIC ID). */
__attribute__((noreturn, used)) void smp_ap_entry(uint32_t apicid);
void smp_ap_entry(uint32_t apicid)
{
    if (apicid >= SMP_MAX_CPUS) /* the trampoline already stops these */
        for (;;)
            __asm__ volatile("cli; hlt");
    struct smp_cpu *c = &smp_cpus[apicid];
    c->cpu = apicid;
    c->stack_top = ap_stack_tops[apicid];

    /* Own GDT copy whose TSS descriptor points at this CPU's TSS (a TSS is busy once loaded). */
    memset(&c->tss, 0, sizeof(c->tss));
    uint64_t ist = (uint64_t)(uintptr_t)(ap_ist_stacks[apicid] + SMP_IST_STACK_SIZE);
    c->tss.rsp[0] = ist;
    for (int i = 1; i < 8; i++)
        c->tss.ist[i] = ist;
    c->tss.iomap_base = sizeof(c->tss);
    memcpy(c->gdt, x86_gdt, sizeof(c->gdt));
    uint64_t base = (uint64_t)(uintptr_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->gdt[X86_SEL_TSS >> 3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                               (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    c->gdt[(X86_SEL_TSS >> 3) + 1] = base >> 32;
    struct x86_dtr gdtr = {sizeof(c->gdt) - 1, (uint64_t)(uintptr_t)c->gdt};
    __asm__ volatile(
        "lgdt %[gdtr]\n\t"
        "pushq %[cs]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %[ds], %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        "movw %[tss], %%ax\n\t"
        "ltr %%ax"
        :
        : [gdtr] "m"(gdtr), [cs] "i"(X86_SEL_KCODE), [ds] "i"(X86_SEL_KDATA), [tss] "i"(X86_SEL_TSS)
        : "rax", "memory");
    x86_lidt(x86_idt_table, 256 * 16 - 1);
    set_gs_base(c);
    c->boot_svr = apic_read(APIC_SVR);
    uint32_t pending = 0;
    for (unsigned i = 0; i < 8; i++)
        pending |= apic_read(APIC_ISR + 0x10 * i) | apic_read(APIC_IRR + 0x10 * i);
    c->boot_isr_irr = pending;
    apic_enable();
    smp_mb();
    c->state = SMP_CPU_ONLINE;
    atomic_fetch_add32((volatile uint32_t *)&smp_online, 1);
    ap_main(apicid);
    smp_idle();
}

bool smp_wait_eq32(const volatile uint32_t *p, uint32_t want, uint64_t spins)
{
    for (uint64_t i = 0; i < spins; i++) {
        if (*p == want)
            return true;
        x86_pause();
    }
    return *p == want;
}

bool smp_start_ap(unsigned cpu)
{
    if (cpu >= SMP_MAX_CPUS || cpu >= smp_ncpus)
        return false;
    struct smp_cpu *c = &smp_cpus[cpu];
    if (c->state == SMP_CPU_ONLINE)
        return true;
    c->state = SMP_CPU_STARTING;
    smp_mb();
    apic_send_init(cpu);
    apic_send_startup(cpu, SMP_TRAMPOLINE_VEC);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (smp_wait_eq32(&c->state, SMP_CPU_ONLINE, SMP_START_SPINS))
            return true;
        apic_send_startup(cpu, SMP_TRAMPOLINE_VEC); /* the MP sequence's second STARTUP */
    }
    if (smp_wait_eq32(&c->state, SMP_CPU_ONLINE, SMP_START_SPINS))
        return true;
    c->state = SMP_CPU_FAILED;
    return false;
}

unsigned smp_boot_aps(void)
{
    for (unsigned cpu = 0; cpu < smp_ncpus; cpu++)
        if (cpu != smp_cpu_id())
            smp_start_ap(cpu);
    return smp_online;
}

void smp_idle(void)
{
    struct smp_cpu *c = smp_this_cpu();
    for (;;) {
        x86_cli();
        void (*fn)(void *) = c->call_fn;
        if (fn != NULL) {
            void *arg = c->call_arg;
            x86_sti();
            fn(arg);
            smp_mb();
            c->call_fn = NULL;
            c->calls_done++;
            continue;
        }
        x86_safe_halt(); /* STI;HLT: an IPI arriving after the check wakes the HLT */
    }
}

bool smp_call_async(unsigned cpu, void (*fn)(void *), void *arg)
{
    if (cpu >= SMP_MAX_CPUS || smp_cpus[cpu].state != SMP_CPU_ONLINE ||
        smp_cpus[cpu].call_fn != NULL)
        return false;
    struct smp_cpu *c = &smp_cpus[cpu];
    c->call_arg = arg;
    smp_mb();
    c->call_fn = fn;
    smp_mb();
    apic_send_ipi(cpu, SMP_VEC_WAKE);
    return true;
}

bool smp_call_wait(unsigned cpu)
{
    volatile struct smp_cpu *c = &smp_cpus[cpu];
    for (uint64_t i = 0; i < 4 * (uint64_t)SMP_START_SPINS; i++) {
        if (c->call_fn == NULL)
            return true;
        x86_pause();
    }
    return c->call_fn == NULL;
}

bool smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
    return smp_call_async(cpu, fn, arg) && smp_call_wait(cpu);
}

unsigned apic_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector)
{
    unsigned sent = 0;
    for (unsigned id = 0; id < nbits; id++) {
        if (!((mask[id / 64] >> (id % 64)) & 1))
            continue;
        if (vector == SMP_NMI_VECTOR)
            apic_send_nmi(id);
        else
            apic_send_ipi(id, (uint8_t)vector);
        sent++;
    }
    return sent;
}

long kvm_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector)
{
    uint32_t icr = vector == SMP_NMI_VECTOR ? APIC_DM_NMI : APIC_DM_FIXED | (vector & 0xFF);
    uint64_t win[2] = {0, 0};
    uint32_t min = 0;
    bool open = false;
    long total = 0;
    uint64_t flags = x86_irq_save();
    for (unsigned id = 0; id < nbits; id++) {
        if (!((mask[id / 64] >> (id % 64)) & 1))
            continue;
        if (open && id - min >= 128) { /* does not fit this window: send it, start another */
            long r = kvm_send_ipi_raw(win[0], win[1], min, icr);
            if (r < 0) {
                x86_irq_restore(flags);
                return r;
            }
            total += r;
            open = false;
        }
        if (!open) {
            min = id;
            win[0] = win[1] = 0;
            open = true;
        }
        win[(id - min) / 64] |= 1ull << ((id - min) % 64);
    }
    if (open) {
        long r = kvm_send_ipi_raw(win[0], win[1], min, icr);
        total = r < 0 ? r : total + r;
    }
    x86_irq_restore(flags);
    return total;
}

long smp_send_ipi_mask(const uint64_t *mask, unsigned nbits, unsigned vector)
{
    if (kvm_para_has_feature(KVM_FEATURE_PV_SEND_IPI))
        return kvm_send_ipi_mask(mask, nbits, vector);
    return apic_send_ipi_mask(mask, nbits, vector);
}

static volatile uint32_t console_lock, fw_cfg_lock_word;

static void tas_lock(volatile uint32_t *l)
{
    while (atomic_xchg32(l, 1) != 0)
        while (*l != 0)
            x86_pause();
}

int smp_printf(const char *fmt, ...)
{
    uint64_t flags = x86_irq_save();
    tas_lock(&console_lock);
    va_list ap;
    va_start(ap, fmt);
    int n = gvprintf(fmt, ap);
    va_end(ap);
    smp_mb();
    console_lock = 0;
    x86_irq_restore(flags);
    return n;
}

void smp_fw_cfg_lock(void)
{
    tas_lock(&fw_cfg_lock_word);
}

void smp_fw_cfg_unlock(void)
{
    smp_mb();
    fw_cfg_lock_word = 0;
}
