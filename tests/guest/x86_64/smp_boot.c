/* Guest test: every AP starts through INIT/STARTUP, reaches long mode and reports; CPU count.
 * With REINIT: INIT stops an online AP and resets its APIC; INIT and STARTUP restart it. With
 * PAGING: the BSP switches to the SDK's own page tables first (the APs take its CR3). */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/fw_cfg.h"
#include "guest/x86_64/smp.h"
#include "smp_test.h"

#ifndef EXPECT_NCPUS
#error "build with EXPECT_NCPUS=<the --smp value>"
#endif

/* What each AP saw of itself, filled in ap_main. */
struct ap_report {
    volatile uint32_t reported;
    uint32_t apic_reg_id;   /* APIC ID register >> 24 */
    uint32_t cpuid_apic_id; /* CPUID leaf 1 EBX[31:24] */
    uint32_t gs_cpu;        /* smp_cpu_id() through GS */
    uint32_t fw_ncpus;      /* fw_cfg key 0x05 read on the AP */
    uint64_t rsp, cr3, cr0, cr4, efer, rflags;
    uint16_t cs;
};

static struct ap_report reports[SMP_MAX_CPUS];
static volatile uint32_t call_ran_on[SMP_MAX_CPUS];

void ap_main(unsigned cpu)
{
    struct ap_report *r = &reports[cpu];
    uint32_t c[4];
    x86_cpuid(1, 0, c);
    r->cpuid_apic_id = c[1] >> 24;
    r->apic_reg_id = apic_id();
    r->gs_cpu = smp_cpu_id();
    smp_fw_cfg_lock();
    r->fw_ncpus = fw_cfg_ncpus();
    smp_fw_cfg_unlock();
    r->rsp = x86_read_rsp();
    r->cr3 = x86_read_cr3();
    r->cr0 = x86_read_cr0();
    r->cr4 = x86_read_cr4();
    r->efer = x86_rdmsr(X86_MSR_EFER);
    r->rflags = x86_read_rflags();
    r->cs = x86_read_cs();
    smp_mb();
    r->reported = 1;
}

static void record_cpu(void *arg)
{
    unsigned want = (unsigned)(uintptr_t)arg;
    call_ran_on[want] = smp_cpu_id() + 1;
}

int kmain(const struct skvm_boot_info *bi)
{
#ifdef REINIT
    test_start("x86_smp_reinit");
#else
    test_start("x86_smp_boot");
#endif
#ifdef PAGING
    x86_init(bi, true); /* the APs then run on the guest's own page tables */
#else
    x86_init(bi, false);
#endif

    gprintf("check: boot info and fw_cfg key 0x05 give %u vCPUs, key 0x03 the RAM size\n",
            EXPECT_NCPUS);
    EXPECT_EQ(bi->ncpus, EXPECT_NCPUS);
    char sig[5] = {0};
    fw_cfg_read(FW_CFG_SIGNATURE, sig, 4);
    CHECK(strcmp(sig, "QEMU") == 0);
    EXPECT_EQ(fw_cfg_ncpus(), EXPECT_NCPUS);
    EXPECT_EQ(fw_cfg_ram_size(), bi->ram_size);

    smp_init();
    EXPECT_EQ(smp_ncpus, EXPECT_NCPUS);
    gprintf("check: the BSP is APIC ID 0 (APIC register, CPUID leaf 1), APIC version 0x50014\n");
    EXPECT_EQ(apic_id(), 0);
    uint32_t c[4];
    x86_cpuid(1, 0, c);
    EXPECT_EQ(c[1] >> 24, 0);
    EXPECT_EQ(apic_read(APIC_VERSION), 0x00050014u);
    EXPECT_EQ(smp_cpu_id(), 0);

    volatile struct smp_trampoline_params *tp = smp_trampoline_params();
    unsigned last = EXPECT_NCPUS - 1;
    if (EXPECT_NCPUS > 1) {
        gprintf("check: a STARTUP without INIT first is ignored (AP %u stays down)\n", last);
        apic_send_startup(last, SMP_TRAMPOLINE_VEC);
        smp_wait_eq32(&smp_cpus[last].state, SMP_CPU_ONLINE, 2000000);
        EXPECT_EQ(tp->entries, 0);
        EXPECT_NE(smp_cpus[last].state, SMP_CPU_ONLINE);
    }

    gprintf("check: each AP starts in real mode at 0x8000 with CS 0x800, EAX-EDX 0, IF 0, "
            "and reports\n");
    for (unsigned cpu = 1; cpu < EXPECT_NCPUS; cpu++) {
        bool up = smp_start_ap(cpu);
        if (!up)
            gprintf("  AP %u did not report\n", cpu);
        CHECK(up);
        EXPECT_EQ(tp->entries, cpu);
        EXPECT_EQ(tp->entry_cs, SMP_TRAMPOLINE_ADDR >> 4);
        EXPECT_EQ(tp->entry_eax, 0);
        EXPECT_EQ(tp->entry_ebx, 0);
        EXPECT_EQ(tp->entry_ecx, 0);
        EXPECT_EQ(tp->entry_edx, 0);
        EXPECT_EQ(tp->entry_flags & X86_RFLAGS_IF, 0);
    }
    EXPECT_EQ(smp_boot_aps(), EXPECT_NCPUS); /* nothing left to start: all online */
    EXPECT_EQ(smp_online, EXPECT_NCPUS);

    gprintf("check: each AP sees its own APIC ID (register and CPUID EBX[31:24]), fw_cfg, its "
            "stack and the BSP's paging\n");
    for (unsigned cpu = 1; cpu < EXPECT_NCPUS; cpu++) {
        struct ap_report *r = &reports[cpu];
        CHECK(r->reported);
        EXPECT_EQ(r->apic_reg_id, cpu);
        EXPECT_EQ(r->cpuid_apic_id, cpu);
        EXPECT_EQ(r->gs_cpu, cpu);
        EXPECT_EQ(r->fw_ncpus, EXPECT_NCPUS);
        CHECK(r->rsp < smp_cpus[cpu].stack_top && r->rsp > smp_cpus[cpu].stack_top - 4096);
        EXPECT_EQ(r->cr3, x86_read_cr3());
        EXPECT_EQ(r->cr0, x86_read_cr0());
        EXPECT_EQ(r->cr4, x86_read_cr4());
        EXPECT_EQ(r->efer, x86_rdmsr(X86_MSR_EFER));
        EXPECT_EQ(r->cs, X86_SEL_KCODE);
        EXPECT_EQ(r->rflags & X86_RFLAGS_IF, 0);
    }
    EXPECT_EQ(tp->entries, EXPECT_NCPUS - 1); /* the second STARTUPs restarted nobody */
    gprintf("check: each AP found its APIC as after reset: SVR 0xFF, ISR and IRR empty\n");
    for (unsigned cpu = 1; cpu < EXPECT_NCPUS; cpu++) {
        EXPECT_EQ(smp_cpus[cpu].boot_svr, 0xFF);
        EXPECT_EQ(smp_cpus[cpu].boot_isr_irr, 0);
    }

    gprintf("check: an IPI wakes each idle AP to run a call there\n");
    for (unsigned cpu = 1; cpu < EXPECT_NCPUS; cpu++) {
        CHECK(smp_call(cpu, record_cpu, (void *)(uintptr_t)cpu));
        EXPECT_EQ(call_ran_on[cpu], cpu + 1);
        EXPECT_EQ(smp_cpus[cpu].calls_done, 1);
        CHECK(smp_cpus[cpu].wakes >= 1);
    }
#ifdef REINIT
    if (EXPECT_NCPUS > 1) {
        gprintf("check: INIT stops online AP %u (an IPI then runs nothing there); INIT and "
                "STARTUP restart it through the trampoline with its APIC reset\n",
                last);
        struct smp_cpu *lc = &smp_cpus[last];
        uint32_t entries = tp->entries;
        apic_send_init(last);
        smp_test_settle(100000);
        reports[last].reported = 0;
        CHECK(smp_call_async(last, record_cpu, (void *)(uintptr_t)last));
        smp_test_settle(200000);
        EXPECT_EQ(lc->calls_done, 1); /* not run: the AP waits for STARTUP */
        lc->call_fn = NULL;
        lc->state = SMP_CPU_ABSENT;
        smp_online--;
        CHECK(smp_start_ap(last));
        EXPECT_EQ(tp->entries, entries + 1);
        EXPECT_EQ(reports[last].reported, 1);
        EXPECT_EQ(reports[last].apic_reg_id, last);
        EXPECT_EQ(lc->boot_svr, 0xFF);
        EXPECT_EQ(lc->boot_isr_irr, 0);
        EXPECT_EQ(smp_online, EXPECT_NCPUS);
        CHECK(smp_call(last, record_cpu, (void *)(uintptr_t)last));
        EXPECT_EQ(lc->calls_done, 2);
    }
#endif
    gprintf("%u CPUs online\n", smp_online);
    test_done();
}
