/* x86-64 guest helpers: registers, I/O, GDT/TSS/IDT, trap frames, paging, CPL 3, compat mode. */
#ifndef GUEST_X86_64_X86_H
#define GUEST_X86_64_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/softkvm_guest.h"

/* ---- GDT layout installed by x86_gdt_init() ----
 * The first four entries match softkvm's boot GDT (docs/platform.md). */
#define X86_SEL_KCODE   0x08 /* 64-bit code, DPL 0 */
#define X86_SEL_KDATA   0x10 /* flat data, DPL 0 (B=1: 32-bit stack in compatibility mode) */
#define X86_SEL_KCODE32 0x18 /* 32-bit code, DPL 0 (compatibility mode) */
#define X86_SEL_UCODE   0x23 /* 64-bit code, DPL 3 (index 4, RPL 3) */
#define X86_SEL_UDATA   0x2B /* flat data, DPL 3 (index 5, RPL 3) */
#define X86_SEL_UCODE32 0x33 /* 32-bit code, DPL 3 (index 6, RPL 3) */
#define X86_SEL_TSS     0x38 /* 64-bit TSS (16 bytes: indexes 7 and 8) */
#define X86_GDT_ENTRIES 9

/* ---- Exception vectors ---- */
#define X86_VEC_DE  0
#define X86_VEC_DB  1
#define X86_VEC_NMI 2
#define X86_VEC_BP  3
#define X86_VEC_OF  4
#define X86_VEC_BR  5
#define X86_VEC_UD  6
#define X86_VEC_NM  7
#define X86_VEC_DF  8
#define X86_VEC_TS  10
#define X86_VEC_NP  11
#define X86_VEC_SS  12
#define X86_VEC_GP  13
#define X86_VEC_PF  14
#define X86_VEC_MF  16
#define X86_VEC_AC  17
#define X86_VEC_MC  18
#define X86_VEC_XM  19
#define X86_VEC_CP  21

/* The DPL-3 gate x86_enter_user()'s user code leaves through (see x86_user_return). */
#define X86_VEC_USER_EXIT 0x80

/* #PF error code bits */
#define X86_PF_P    (1u << 0) /* the page was present (protection violation) */
#define X86_PF_W    (1u << 1) /* write access */
#define X86_PF_U    (1u << 2) /* access from CPL 3 */
#define X86_PF_RSVD (1u << 3) /* reserved bit set in a paging entry */
#define X86_PF_I    (1u << 4) /* instruction fetch */

/* RFLAGS bits */
#define X86_RFLAGS_CF    (1ul << 0)
#define X86_RFLAGS_FIXED (1ul << 1)
#define X86_RFLAGS_PF    (1ul << 2)
#define X86_RFLAGS_AF    (1ul << 4)
#define X86_RFLAGS_ZF    (1ul << 6)
#define X86_RFLAGS_SF    (1ul << 7)
#define X86_RFLAGS_TF    (1ul << 8)
#define X86_RFLAGS_IF    (1ul << 9)
#define X86_RFLAGS_DF    (1ul << 10)
#define X86_RFLAGS_OF    (1ul << 11)

/* ---- Register and instruction helpers ---- */

static inline uint64_t x86_read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint64_t x86_read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t x86_read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void x86_write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t x86_read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define X86_MSR_EFER    0xC0000080u
#define X86_MSR_FS_BASE 0xC0000100u
#define X86_MSR_GS_BASE 0xC0000101u

/* Interrupt flag: cli, sti, and save-and-disable / restore pairs. */
static inline void x86_cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void x86_sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}

/* Returns RFLAGS before disabling interrupts (for x86_irq_restore). */
static inline uint64_t x86_irq_save(void)
{
    uint64_t f;
    __asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(f) : : "memory");
    return f;
}

static inline void x86_irq_restore(uint64_t flags)
{
    if (flags & (1ul << 9))
        __asm__ volatile("sti" ::: "memory");
}

/* HLT as is (interrupts as they are). */
static inline void x86_hlt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

/* STI;HLT (isr.S): on a CPU the STI shadow covers the HLT, so an interrupt already pending wakes
 * the HLT rather than being taken before it and leaving the HLT to sleep. In case an interrupt is
 * taken between the two anyway (see tests/guest/x86_64/smp_sti_shadow.c), trap_dispatch moves a
 * frame whose RIP is x86_safe_halt_hlt past the HLT before calling the handler: the wake-up is
 * not lost. */
void x86_safe_halt(void);
extern char x86_safe_halt_hlt[];

static inline void x86_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline uint64_t x86_read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(v));
    return v;
}

static inline uint64_t x86_read_rsp(void)
{
    uint64_t v;
    __asm__ volatile("mov %%rsp, %0" : "=r"(v));
    return v;
}

static inline uint16_t x86_read_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}

static inline void x86_invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void x86_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void x86_outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t x86_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t x86_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(subleaf));
}

/* Descriptor-table register image for lgdt/lidt/sgdt/sidt. */
struct x86_dtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* true when the boot info says the native hypercall instruction is VMMCALL (AMD). */
static inline bool x86_native_vmmcall(void)
{
    return (skvm_boot->flags & SKVM_BOOT_F_X86_VMMCALL) != 0;
}

/* ---- 64-bit TSS ---- */

struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /* RSP0..RSP2 */
    uint64_t ist[8]; /* ist[1]..ist[7] are IST1..IST7; ist[0] is the reserved slot at 28 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct x86_tss) == 104, "64-bit TSS is 104 bytes");
_Static_assert(offsetof(struct x86_tss, ist[1]) == 36, "IST1 at offset 36");

extern struct x86_tss x86_tss;
extern uint64_t x86_gdt[X86_GDT_ENTRIES];

/* Stacks the TSS points at: RSP0 (CPL3 -> CPL0) and IST1..IST7. Each is X86_*_STACK_SIZE bytes
 * and the TSS holds its top (16-byte aligned). */
#define X86_RSP0_STACK_SIZE 16384
#define X86_IST_STACK_SIZE  8192
extern uint8_t x86_rsp0_stack[X86_RSP0_STACK_SIZE];
extern uint8_t x86_ist_stacks[7][X86_IST_STACK_SIZE]; /* [0] is IST1 */

/* Build the GDT and TSS above, lgdt, reload CS (lretq) and the data segments, ltr. */
void x86_gdt_init(void);

/* ---- IDT and trap frames ---- */

/* What the ISR stubs leave on the stack, lowest address first. The stubs push a 0 error code for
 * vectors where the CPU pushes none, so the layout is the same for every vector. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout");

/* A handler may change the frame (RIP, RSP, registers...) before the stub's iretq. */
typedef void (*trap_handler_fn)(struct trap_frame *f);

#define X86_GATE_INTERRUPT 0xE /* IF cleared on entry */
#define X86_GATE_TRAP      0xF /* IF unchanged */

/* Fill all 256 gates with the common stubs (interrupt gates, DPL 0, no IST) and lidt. The
 * user-exit gate X86_VEC_USER_EXIT gets DPL 3. */
void x86_idt_init(void);

/* Reconfigure one gate (always pointing at its common stub). type: X86_GATE_*; dpl 0..3;
 * ist 0 (none) or 1..7. */
void x86_idt_set_gate(unsigned vector, unsigned type, unsigned dpl, unsigned ist);

/* Clear (present = false) or set a gate's P bit, to test delivery through a not-present gate. */
void x86_idt_set_present(unsigned vector, bool present);

/* Install the IDT at base/limit as given (to test odd IDTs); x86_idt_init() restores it. */
void x86_lidt(const void *base, uint16_t limit);

/* Register the C handler of a vector (NULL: unhandled, the default). Returns the old one. */
trap_handler_fn trap_register(unsigned vector, trap_handler_fn fn);

/* Called by the stubs. An unhandled vector prints the frame and ends the run with status
 * X86_UNHANDLED_TRAP_STATUS. */
void trap_dispatch(struct trap_frame *f);
#define X86_UNHANDLED_TRAP_STATUS 3

/* The SDK's IDT (256 gates, 16 bytes each). */
extern const void *const x86_idt_table;

/* Entry address of the stub of a vector (for tests that inspect the IDT). */
uintptr_t x86_isr_stub(unsigned vector);

/* Print a frame (for diagnostics). */
void trap_print(const struct trap_frame *f);

/* ---- A recording handler for tests ----
 * trap_record_handler stores the frame, CR2 and its own RSP in trap_last, counts the trap, then,
 * when trap_resume_rip is non-zero, makes the frame resume there (and clears it). A test arms
 * trap_resume_rip with the address after a faulting instruction, runs it, and checks trap_last. */
struct trap_record {
    struct trap_frame frame;
    uint64_t cr2;
    uint64_t handler_rsp; /* RSP inside the C handler */
    uint64_t frame_addr;  /* where the frame was on the stack */
};

extern volatile struct trap_record trap_last;
extern volatile unsigned trap_count[256];
extern volatile uint64_t trap_resume_rip;

void trap_record_handler(struct trap_frame *f);

/* Forget trap_last and the counts. */
void trap_record_reset(void);

/* Total traps recorded on all vectors. */
unsigned trap_total(void);

/* ---- Paging ----
 * The guest builds its own 4-level tables (softkvm's tables are supervisor-only and use 2 MiB
 * pages, so they cannot express per-page U/W/P changes). x86_pt_init() identity-maps RAM from the
 * boot info, the test-device page and the local APIC page (uncached): 4 KiB pages from 4 KiB up to
 * the 2 MiB boundary above the kernel image, 2 MiB pages for the rest; page 0 is left unmapped so
 * NULL accesses fault. All
 * entries are present, writable, executable and supervisor-only; non-leaf entries always carry U
 * and W, so a leaf's own bits decide. The tables come from a static pool in .bss, and CR3 is
 * switched to them. Other helpers split 2 MiB pages on demand. */

#define X86_PTE_P    (1ull << 0)
#define X86_PTE_W    (1ull << 1)
#define X86_PTE_U    (1ull << 2)
#define X86_PTE_PWT  (1ull << 3)
#define X86_PTE_PCD  (1ull << 4)
#define X86_PTE_A    (1ull << 5)
#define X86_PTE_D    (1ull << 6)
#define X86_PTE_PS   (1ull << 7)
#define X86_PTE_NX   (1ull << 63)
#define X86_PTE_ADDR 0x000FFFFFFFFFF000ull

#define X86_PAGE_SIZE 4096ul

/* Build and load the identity map described above. */
void x86_pt_init(const struct skvm_boot_info *bi);

/* The 4 KiB leaf entry mapping va (splitting a 2 MiB page if needed; creating missing tables
 * when create is true, else returning NULL for unmapped va). */
uint64_t *x86_pt_pte(uint64_t va, bool create);

/* The entry for va at a level (4 PML4E, 3 PDPTE, 2 PDE, 1 PTE) without splitting or creating
 * anything; NULL when a table on the way is missing or a large page ends the walk earlier. */
uint64_t *x86_pt_walk(uint64_t va, int level);

/* Map the 4 KiB page at va to pa with the given leaf flags (X86_PTE_*; P is not implied). */
void x86_pt_map(uint64_t va, uint64_t pa, uint64_t flags);

/* Set (user = true) or clear the U bit on every 4 KiB page overlapping [start, end), then
 * invlpg them. */
void x86_pt_set_user(uint64_t start, uint64_t end, bool user);

/* Change one page's leaf flags: new = (old & ~clear) | set, then invlpg. Returns the old entry. */
uint64_t x86_pt_update(uint64_t va, uint64_t clear, uint64_t set);

/* A zeroed page from the page-table pool (for test data that needs its own page). */
void *x86_pt_alloc_page(void);

/* Page-aligned bounds of the sections meant for CPL-3 code and data (put code there with
 * X86_USER_TEXT, data with X86_USER_DATA, or .section .user.text / .user.data in asm). */
extern char __user_text_start[], __user_text_end[];
extern char __user_data_start[], __user_data_end[];
extern char __kernel_start[], __kernel_end[];

#define X86_USER_TEXT __attribute__((section(".user.text"), noinline))
#define X86_USER_DATA __attribute__((section(".user.data")))

/* Mark the user sections U in the guest's tables (x86_pt_init must have run). */
void x86_pt_map_user_sections(void);

/* ---- State at kernel entry, saved by crt0 before it touches anything ---- */
struct x86_entry_state {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rflags;
    uint64_t cr0, cr2, cr3, cr4, efer;
    uint64_t cs, ds, es, ss, fs, gs;
    struct x86_dtr gdtr; /* sgdt image */
    uint8_t pad0[6];
    struct x86_dtr idtr; /* sidt image */
    uint8_t pad1[6];
    uint64_t tr;
};

_Static_assert(offsetof(struct x86_entry_state, rflags) == 128, "entry state layout");
_Static_assert(offsetof(struct x86_entry_state, cs) == 176, "entry state layout");
_Static_assert(offsetof(struct x86_entry_state, gdtr) == 224, "entry state layout");
_Static_assert(offsetof(struct x86_entry_state, idtr) == 240, "entry state layout");
_Static_assert(offsetof(struct x86_entry_state, tr) == 256, "entry state layout");

extern struct x86_entry_state x86_entry_state;

/* ---- Everything a test usually wants ---- */

/* x86_gdt_init, x86_idt_init, and when paging is true also x86_pt_init and
 * x86_pt_map_user_sections. */
void x86_init(const struct skvm_boot_info *bi, bool paging);

/* ---- CPL 3 ----
 * x86_enter_user(fn, arg, user_rsp) runs fn(arg) at CPL 3 (CS X86_SEL_UCODE, SS, DS and ES
 * X86_SEL_UDATA, RSP user_rsp, interrupts off, other GPRs 0) by iretq, and returns fn's return
 * value when fn returns. fn's return address is x86_user_exit_stub (in .user.text), which raises
 * X86_VEC_USER_EXIT. fn, the stub and the stack must be on pages with U set. A handler that wants
 * to abandon user code (after a fault, say) calls x86_user_return(f, value): the frame is rewritten
 * so that the iretq lands in x86_enter_user's caller at CPL 0 with value as the result. */
uint64_t x86_enter_user(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t user_rsp);
void x86_user_return(struct trap_frame *f, uint64_t value);
extern char x86_user_exit_stub[];

/* A user stack in .user.data and its top. */
#define X86_USER_STACK_SIZE 16384
extern uint8_t x86_user_stack[X86_USER_STACK_SIZE];
#define X86_USER_STACK_TOP ((uint64_t)(uintptr_t)(x86_user_stack + X86_USER_STACK_SIZE))

/* ---- Compatibility mode ----
 * x86_compat_call(entry32, regs): loads RAX, RBX, RCX, RDX, RSI, RDI, RBP from regs (all 64 bits),
 * far-returns into X86_SEL_KCODE32 (32-bit code, CPL 0, long mode stays on), calls entry32 (code
 * assembled with .code32 below 4 GiB that ends with a 32-bit ret, and may not change ESP), far-
 * returns to 64-bit mode and stores all seven registers (full 64 bits) back into regs. DS, ES and
 * SS are set to X86_SEL_KDATA first. The stack is the caller's (must be below 4 GiB). */
struct x86_compat_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
};
void x86_compat_call(uint32_t entry32, struct x86_compat_regs *regs);

#endif
