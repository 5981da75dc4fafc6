/* The VM: guest memory, vCPUs, devices, hypercall tables, trace and stats, and the run loop. */
#ifndef SOFTKVM_VM_H
#define SOFTKVM_VM_H

#include <stdatomic.h>
#include <stdio.h>
#include <unicorn/unicorn.h>

#include "softkvm/board.h"
#include "softkvm/extint.h"
#include "softkvm/gmem.h"
#include "softkvm/hypercall.h"
#include "softkvm/iobus.h"
#include "softkvm/irq.h"
#include "softkvm/msr.h"
#include "softkvm/types.h"

struct arch_ops;
struct trace;
struct notify_bus;
struct device;
struct vtimer;

enum cpu_vendor { VENDOR_INTEL = 0, VENDOR_AMD = 1 };

/* How the kernel is entered (x86: its boot protocol). */
enum boot_protocol {
    BOOT_AUTO = 0,  /* detect from the file (docs/platform.md: the order) */
    BOOT_NATIVE,    /* softkvm's own contract: an ELF entered in the arch's native mode */
    BOOT_MULTIBOOT, /* multiboot v1: 32-bit protected mode, EAX = 0x2BADB002, EBX = info */
    BOOT_PVH,       /* PVH: 32-bit protected mode, EBX = hvm_start_info */
};

/* Everything the CLI (or a test) decides about a VM before it exists. */
struct vm_config {
    enum boot_protocol boot; /* BOOT_AUTO unless forced */
    const char *kernel_name; /* the kernel file's name (multiboot puts it in the cmdline) */
    const char *cmdline;     /* the kernel command line (`--append`), NULL: empty */
    const uint8_t *initrd;   /* `--initrd` contents (module 0 / initrd), NULL: none */
    uint64_t initrd_len;
    const char *initrd_name;
    const char *const *devices; /* extra `-device` specs, NULL-terminated (NULL: none) */
    uint64_t ram_mib;           /* guest RAM in MiB */
    const char *board;          /* board (machine) name; NULL: the arch's default board */
    unsigned ncpus;             /* vCPUs, 1 .. SKVM_MAX_VCPUS */
    enum cpu_vendor vendor;     /* x86: which hypercall instruction is native */
    bool hypercall_patching;    /* x86: patch the foreign instruction (KVM's default quirk) */
    const char *trace_path;     /* NULL: no trace */
    const char *cpu_model;      /* arch-specific CPU model name, NULL for the default */
    const char *hcall_style;    /* hypercall style (PowerPC: "pr", "hv"), NULL for the default */
    FILE *console;              /* where guest console output goes (stdout in the CLI) */
    bool enforce_pv_features;   /* KVM_CAP_ENFORCE_PV_FEATURE_CPUID: hidden feature = -ENOSYS */
    uint64_t hide_pv_features;  /* KVM_FEATURE_* bits not to advertise */
    bool engine_api_only;       /* never touch the engine's CPU state directly (x86 fast path) */
    uint64_t wallclock; /* the guest's wall time at boot, seconds since 1970 UTC (the RTC starts
                         * there and advances with the virtual clock); 0: the host's
                         * CLOCK_REALTIME when the VM is created (`--wallclock SECONDS` pins it) */
};

/* Why a vCPU came out of the engine. Hooks only record one of these and stop the engine. */
enum exit_kind {
    EXIT_NONE = 0,     /* engine returned with nothing recorded (x86: HLT) */
    EXIT_HYPERCALL,    /* arch decoded a hypercall instruction */
    EXIT_EXCEPTION,    /* the CPU raised an exception or interrupt (arch number in intno) */
    EXIT_INVALID_INSN, /* the CPU found an invalid instruction */
    EXIT_HALT,         /* the vCPU executed its halt instruction */
    EXIT_STOP,         /* a device or handler asked the VM to stop (vm->outcome is set) */
    EXIT_SLICE,        /* the vCPU's time slice ended, or a timer deadline came */
    EXIT_INTERRUPT,    /* a device made an interrupt deliverable: the loop injects it */
    EXIT_MEM_FAULT,    /* an access outside anything mapped (engine error) */
    EXIT_ARCH,         /* arch-specific; the arch handler knows the detail */
    EXIT_DEBUG,        /* a debugger's breakpoint, step or stop request (vm->debug) */
    EXIT_KIND_COUNT
};

struct vm_exit {
    enum exit_kind kind;
    uint32_t intno; /* EXIT_EXCEPTION: arch exception number */
    uint64_t pc;    /* where the engine stopped */
    uint64_t addr;  /* EXIT_MEM_FAULT: the address */
    int access;     /* EXIT_MEM_FAULT: UC_MEM_* type */
};

enum vcpu_state { VCPU_RUNNABLE = 0, VCPU_HALTED, VCPU_STOPPED };

struct vcpu {
    struct vm *vm;
    unsigned id;
    enum vcpu_state state;
    uc_context *ctx;     /* saved engine state while another vCPU runs */
    struct vm_exit exit; /* the last exit */
    bool pv_unhalted;    /* a kick arrived (KVM's pv_unhalted) */
    bool pc_known;       /* next_pc is where to resume (set by an exit handler that moved it) */
    uint64_t next_pc;
    void *arch; /* arch-private state, owned by the arch backend */
};

/* How a run ended; the CLI turns it into an exit status. */
enum outcome_kind {
    OUTCOME_NONE = 0,     /* still running */
    OUTCOME_GUEST_EXIT,   /* the guest asked to end with status */
    OUTCOME_GUEST_CRASH,  /* the guest cannot continue (triple fault, unhandled exception...) */
    OUTCOME_GUEST_HALTED, /* every vCPU halted with nothing that can wake it */
    OUTCOME_HOST_ERROR,   /* softkvm or the engine failed */
    OUTCOME_IO_ERROR,     /* the console or trace could not be written: output was lost */
    OUTCOME_STOPPED,      /* the host asked (vm_request_stop): status is the caller's code */
    OUTCOME_KILLED,       /* the debugger killed the guest (gdb `kill`) */
};

struct vm_outcome {
    enum outcome_kind kind;
    int status;       /* OUTCOME_GUEST_EXIT: the guest's status */
    unsigned vcpu;    /* the vCPU that caused it */
    char reason[256]; /* one line for the user */
};

/* Exit counters for --stats; hypercall counts live in the tables. */
struct vm_stats {
    uint64_t exits[EXIT_KIND_COUNT];
    uint64_t pio;
    uint64_t mmio;
    uint64_t exceptions_delivered;
    uint64_t patched_hypercalls;
};

#define VM_MAX_HC_TABLES 2

/* The virtual clock (src/core/clock.c). */
struct vclock {
    bool enabled;        /* the block hook is installed */
    uint64_t now;        /* virtual ns since boot */
    uint64_t deadline;   /* stop the engine when now reaches this (UINT64_MAX: none) */
    uint64_t slice_used; /* blocks the running vCPU has used of its slice */
    bool kick;           /* stop at the next block boundary */
    bool want_enable;    /* a device asked for the clock from inside the engine */
};

/* The VM's timers (src/core/timer.c). */
struct vm_timers {
    struct vtimer *head; /* in registration order */
    uint32_t next_order;
    uint64_t gen; /* firing passes so far */
};

/* A debugger plugged into the run loop as an exit hook (the gdb stub); vm->debug, NULL without. */
struct vm_debugger {
    /* Called before the first vCPU runs (v NULL) and after every exit's dispatch. May hold a
     * conversation with a client while every vCPU stays stopped; returns when the guest goes on. */
    void (*at_exit)(struct vm *vm, struct vcpu *v, void *opaque);
    /* Whether a stop was requested from another thread (the engine stopped for it with no exit
     * recorded). Called only when the engine returned with nothing recorded. */
    bool (*interrupted)(void *opaque);
    void *opaque;
    struct vcpu *step; /* set by at_exit: run only this vCPU (the debugger's hook stops it after
                        * one instruction), then call at_exit */
};

struct vm {
    struct vm_config cfg;
    const struct board *board;  /* the machine: regions, devices, lines */
    struct region_list regions; /* the board's memory map for this RAM size */
    const struct arch_ops *arch;
    uc_engine *uc;
    struct gmem mem;
    struct vcpu *vcpus;
    unsigned ncpus;
    struct vcpu *running;  /* the vCPU whose state is in the engine, or NULL */
    bool resched;          /* the running vCPU's turn ended (yield, slice): pick the next */
    struct vcpu *yield_to; /* directed yield: run this one next if it is runnable */
    struct hc_table hc[VM_MAX_HC_TABLES]; /* the arch's hypercall namespaces */
    unsigned nhc;
    const struct irqchip_ops *irqchip; /* set by the arch, NULL if it has none */
    uint64_t pv_features;              /* the KVM_FEATURE_* bits advertised to the guest */
    struct iobus pio;                  /* x86 port I/O */
    struct iobus mmio;                 /* memory-mapped devices */
    struct notify_bus *notify_bus;     /* virtio-ccw notify bus (s390 DIAG 0x500), or NULL */
    struct trace *trace;
    atomic_int stop_request; /* vm_request_stop's code (0: none), from any thread */
    struct vm_stats stats;
    struct vclock vclock;
    struct vm_debugger *debug; /* NULL unless a debugger is attached */
    struct vm_outcome outcome;
    uint64_t entry;             /* kernel entry point from the ELF */
    enum boot_protocol boot;    /* the protocol the kernel is entered by (never BOOT_AUTO) */
    uint64_t image_end;         /* guest-physical end of the highest loaded segment */
    bool elf64;                 /* the kernel's ELF class */
    void *arch_state;           /* VM-wide arch state, owned by the backend */
    struct device *device_list; /* device instances, in creation order (device.h) */
    struct irq_router irq;      /* interrupt lines (irq.h) */
    struct vm_timers timers;    /* timers on the virtual clock (timer.h) */
    struct msr_table msrs;      /* MSR handlers (msr.h), x86 */
    struct extint extint;       /* the 8259's INTR/INTA wire to the CPU (extint.h), x86 */
};

/* Create a VM for arch from cfg. On failure returns a negative errno and writes one line for the
 * user into err; no VM is left behind. -ENOMEM: the host cannot provide the guest RAM; -EIO: the
 * trace file cannot be created; others: the engine or backend failed. */
int vm_create(struct vm **out, const struct arch_ops *arch, const struct vm_config *cfg, char *err,
              size_t errlen);

/* Release everything the VM owns; safe on NULL. */
void vm_destroy(struct vm *vm);

/* Map every RAM slot of the VM into its engine (for the arch's init, once the engine is open).
 * Returns 0 or -ENOMEM with one line in err. */
int vm_map_ram(struct vm *vm, char *err, size_t errlen);

/* The board of arch called name (NULL: the arch's default), or NULL with one line in err. */
const struct board *vm_find_board(const struct arch_ops *arch, const char *name, char *err,
                                  size_t errlen);

/* Reset the VM's devices to their power-on state (reboot). */
void vm_reset(struct vm *vm);

/* Put the boot state of every vCPU in place (after the kernel is loaded). Returns 0 or a negative
 * errno with err filled. */
int vm_boot(struct vm *vm, char *err, size_t errlen);

/* Run until the guest exits, crashes, halts for good, softkvm fails or a stop is requested, then
 * flush the console and the trace. Never returns OUTCOME_NONE. Output that could not be written
 * overrides every other outcome with OUTCOME_IO_ERROR: a run whose output was lost is never a
 * success. */
const struct vm_outcome *vm_run(struct vm *vm);

/* End the run with the given outcome (first caller wins) and stop the engine. Safe to call from
 * engine hooks. reason is printf-style. */
void vm_stop(struct vm *vm, enum outcome_kind kind, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Ask a running VM, from any thread (not from a signal handler), to stop at its next exit with
 * OUTCOME_STOPPED and status code (> 0; the first request wins). The run loop notices it
 * before each engine start; the engine is stopped with uc_emu_stop, which can miss a start
 * that begins just after: a watcher thread repeats the request until vm_run returns. */
void vm_request_stop(struct vm *vm, int code);

/* Output to what ("the guest console", "the trace file X") failed with errno err (0: unknown):
 * end the run with OUTCOME_IO_ERROR, overriding any earlier outcome. */
void vm_output_lost(struct vm *vm, const char *what, int err);

/* Send one byte of guest console output to the configured console. A write error (closed
 * pipe, disk full) ends the run with OUTCOME_IO_ERROR. */
void vm_console_putc(struct vm *vm, uint8_t c);

/* The vCPU executed its halt: it sleeps unless a kick (pv_unhalted, consumed here) or a
 * deliverable interrupt is already pending. */
void vcpu_halt(struct vcpu *vcpu);

/* An exit handler that moved the PC may leave it in next_pc (pc_known) for the next engine
 * start; this writes it to the engine first, for anything that reads or saves the vCPU. */
void vcpu_sync_pc(struct vcpu *vcpu);

/* Print the crash report of the vCPU named in the outcome (registers) to out. */
void vm_dump(struct vm *vm, FILE *out);

/* Print the registers of every vCPU to out (after a run, e.g. one stopped by a timeout). */
void vm_dump_all(struct vm *vm, FILE *out);

/* Wake a halted vCPU (interrupt or kick arrived). */
void vcpu_wake(struct vcpu *vcpu);

#endif
