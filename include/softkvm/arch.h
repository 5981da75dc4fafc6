/* The interface every arch backend implements; generic code sees only this, never arch headers. */
#ifndef SOFTKVM_ARCH_H
#define SOFTKVM_ARCH_H

#include <stdio.h>

#include "softkvm/types.h"

struct vm;
struct vcpu;
struct board;

/* One register as a debugger sees it: gdb's name, size and type, and the target-description
 * feature it belongs to. A backend's table is in gdb's register order ('g' packet order). */
struct arch_reg {
    const char *name;    /* gdb's name: "rax", "r3", "pswa" */
    uint16_t bits;       /* 32, 64, 80, 128 */
    const char *type;    /* target-description type: "int", "code_ptr", "i387_ext", ... */
    const char *feature; /* target-description feature, e.g. "org.gnu.gdb.i386.core" */
    const char *group;   /* target-description group ("general", "float", "system"), or NULL */
};

/* Target-description types (flags, vectors) a feature's registers use, as XML. */
struct arch_tdesc_types {
    const char *feature;
    const char *xml;
};

struct arch_ops {
    const char *name;                  /* "x86_64", "ppc", "ppc64", "s390x" */
    uint16_t elf_machine;              /* EM_* this backend runs */
    uint8_t elf_class;                 /* ELFCLASS32 / ELFCLASS64 */
    uint8_t elf_data;                  /* ELFDATA2LSB / ELFDATA2MSB */
    const struct board *const *boards; /* the machines of this arch, NULL-terminated; first is
                                          the default */

    /* Open the engine (vm->uc), map guest RAM (vm_map_ram) and the arch's own devices (the
     * board's are created by the core afterwards), install hooks, create the arch state of the
     * VM and of each vCPU, and register the hypercall tables. Returns 0 or a
     * negative errno with one line in err: -EINVAL for a configuration this arch cannot honour
     * (an option or CPU model it does not have: the user's to change), others for failures. */
    int (*init)(struct vm *vm, char *err, size_t errlen);

    /* Write boot data into guest RAM and set every vCPU's entry state (vm->entry is known). */
    int (*boot)(struct vm *vm, char *err, size_t errlen);

    /* The PC at which to resume vcpu, read from the engine (vcpu's state is loaded). */
    uint64_t (*get_pc)(struct vcpu *vcpu);

    /* Write the PC of vcpu (its state is loaded). */
    void (*set_pc)(struct vcpu *vcpu, uint64_t pc);

    /* Interpret the engine's return code into vcpu->exit when no hook recorded one. */
    void (*classify)(struct vcpu *vcpu, int uc_err);

    /* Handle an exit the generic loop does not (hypercalls, exceptions, invalid instructions,
     * arch-specific exits). May change vcpu->state or stop the VM. */
    void (*handle_exit)(struct vcpu *vcpu);

    /* Whether a vCPU that is not running (halted, or stopped waiting for startup) has an event
     * that makes it runnable: a deliverable interrupt, NMI, kick, startup. The vCPU's state may
     * not be loaded in the engine. May prepare its startup state. May be NULL. */
    bool (*check_interrupts)(struct vcpu *vcpu);

    /* Deliver what is pending to the vCPU about to run (its state is loaded), if it can take it
     * now. May be NULL. */
    void (*inject)(struct vcpu *vcpu);

    /* Whether the vCPU currently accepts maskable interrupts (x86 RFLAGS.IF, PPC MSR[EE]...). */
    bool (*interrupts_enabled)(struct vcpu *vcpu);

    /* Print the vCPU's registers for a crash report. */
    void (*dump_regs)(struct vcpu *vcpu, FILE *out);

    /* Debugger access (gdb stub, trace). regs[0..nregs) in gdb's order; gdb_arch is the
     * target description's <architecture>; gdb_types the types features use, ending with a
     * {NULL, NULL} entry (may be NULL). */
    const struct arch_reg *regs;
    unsigned nregs;
    const char *gdb_arch;
    const struct arch_tdesc_types *gdb_types;

    /* Read register regno (index into regs) of vcpu, whose state is loaded, into buf as gdb
     * expects it (the guest's byte order, regs[regno].bits / 8 bytes). Returns the byte count or
     * -EINVAL (no such register), -EIO (the engine refused). */
    int (*reg_read)(struct vcpu *vcpu, unsigned regno, uint8_t *buf);

    /* Write register regno of vcpu (state loaded) from buf in the same layout. Returns 0,
     * -EINVAL or -EIO. Registers the engine cannot set are ignored (0). */
    int (*reg_write)(struct vcpu *vcpu, unsigned regno, const uint8_t *buf);

    /* Translate the virtual address va through vcpu's MMU as its current mode does (state
     * loaded), without setting accessed/dirty bits. Returns 0 with *pa, or -EFAULT when va is not
     * mapped. */
    int (*translate)(struct vcpu *vcpu, uint64_t va, uint64_t *pa);

    /* The name of an EXIT_ARCH exit's reason (vcpu->exit.intno), for the trace and the
     * debugger; "arch" when the backend has no finer name. May be NULL. */
    const char *(*arch_exit_name)(const struct vcpu *vcpu);

    /* Release the arch state (engine is closed by the generic code afterwards). */
    void (*destroy)(struct vm *vm);
};

/* Every backend this build has, NULL-terminated. */
extern const struct arch_ops *const softkvm_arches[];

/* The index of the register gdb calls name in arch's table, or -1. */
int arch_reg_find(const struct arch_ops *arch, const char *name);

/* The backend for an ELF machine / class / data triple, or NULL. */
const struct arch_ops *arch_for_elf(uint16_t machine, uint8_t elf_class, uint8_t data);

#endif
