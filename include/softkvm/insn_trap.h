/* Instruction traps: finding chosen instructions (hypercalls the engine does not report, MSR
 * accesses...) when the engine translates code, and trapping each one by address. */
#ifndef SOFTKVM_INSN_TRAP_H
#define SOFTKVM_INSN_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "softkvm/vm.h"

/* Hard cap on trapped sites per VM: every site is one engine code hook, and the engine walks
 * the hook list on each trapped call and each translated instruction. */
#define INSN_TRAP_MAX_SITES 1024
/* Site kinds a scanner may report: 0 .. INSN_TRAP_MAX_KINDS - 1. */
#define INSN_TRAP_MAX_KINDS 4
/* Longest block the engine builds, in bytes: it stops at the end of a page, after one last
 * instruction that may cross into the next (s390x: 6 bytes at most, x86: 15). */
#define INSN_TRAP_MAX_BLOCK (SKVM_PAGE_SIZE + 16)

/* One instruction a scanner found. */
struct insn_site {
    uint64_t addr; /* guest (virtual) address of the instruction */
    uint8_t len;   /* its length in bytes */
    uint8_t kind;  /* the arch's name for what it is, < INSN_TRAP_MAX_KINDS */
};

/* An arch's scanner. code[0 .. len) are the bytes of instructions that start at guest address
 * addr, a real instruction boundary (the start of a translated block). Decode them one by one;
 * store the instructions to trap into sites[0 .. max) in address order and return how many
 * there are (possibly more than max: only max are stored). An instruction that does not fit
 * entirely in len, or cannot be decoded, ends the scan. ctx is insn_trap_config.scan_ctx.
 * Must not call the engine: it runs inside the engine's translator. */
typedef size_t (*insn_scan_fn)(void *ctx, const uint8_t *code, size_t len, uint64_t addr,
                               struct insn_site *sites, size_t max);

/* What the arch tells the mechanism. */
struct insn_trap_config {
    insn_scan_fn scan;
    void *scan_ctx;
    /* What a trapped site of each kind records in the running vCPU's exit (with exit.pc the
     * site's address) when it is about to execute. */
    enum exit_kind exit[INSN_TRAP_MAX_KINDS];
    const char *what;       /* the instructions, for messages ("DIAGNOSE") */
    const char *trace_name; /* trace event for a newly trapped site, NULL for none */
};

/* A trapped site: address, length, kind and the engine hook (opaque here). */
struct insn_trap_site {
    uint64_t addr;
    uintptr_t hook;
    uint8_t len;
    uint8_t kind;
};

/* Known sites, sorted by address, no duplicates. */
struct insn_trap_set {
    struct insn_trap_site *v;
    size_t n, cap;
};

/* What a site's code hook gets: the traps and the exit its kind records. */
struct insn_trap_hookctx {
    struct insn_traps *t;
    enum exit_kind exit;
};

/* One VM's traps. Lives in the backend's VM state; must not move once initialised (the engine
 * hooks point into it). */
struct insn_traps {
    struct vm *vm;
    struct insn_trap_config cfg;
    struct insn_trap_set sites;
    struct insn_trap_hookctx kinds[INSN_TRAP_MAX_KINDS];
    bool pending;                  /* a translated block holds untrapped sites and has not run */
    uint64_t block_pc, block_size; /* that block */
    uint64_t blocks_scanned;       /* translated blocks the scanner decoded */
    uint64_t sites_removed;        /* trapped addresses that no longer held their instruction */
    struct insn_site *scratch;     /* INSN_TRAP_MAX_BLOCK sites: a whole block's, when trapping */
};

/* The site at addr, or NULL. */
struct insn_trap_site *insn_trap_set_find(const struct insn_trap_set *s, uint64_t addr);
/* Add a site. Returns 0, -EEXIST (already there), -ENOSPC (INSN_TRAP_MAX_SITES reached) or
 * -ENOMEM. */
int insn_trap_set_add(struct insn_trap_set *s, const struct insn_trap_site *site);
/* Remove addr. Returns 0 or -ENOENT. */
int insn_trap_set_remove(struct insn_trap_set *s, uint64_t addr);
/* Free the storage (the caller deletes the hooks first). */
void insn_trap_set_release(struct insn_trap_set *s);

/* Start trapping in vm's engine: installs the translation hook. Every block translated from
 * then on is read (through insn_trap_read_code) and scanned; a block holding an untrapped site
 * is not run: the engine stops with EXIT_ARCH recorded in the running vCPU and t->pending set,
 * and the backend's exit handler calls insn_traps_handle_pending. Code the guest writes or
 * copies later is retranslated by the engine (its self-modifying-code tracking) and so scanned
 * again. The engine reports translations only after some block has returned to its main loop
 * normally: the backend runs one such block before the guest (s390_traps_prime). Returns 0, or
 * -ENOMEM or -ENOTSUP (the engine refused the hook) with one line in err. */
int insn_traps_init(struct insn_traps *t, struct vm *vm, const struct insn_trap_config *cfg,
                    char *err, size_t errlen);

/* Free the set and the scratch storage (the sites' hooks go with the engine). Safe twice. */
void insn_traps_release(struct insn_traps *t);

/* The pending block's new sites get a one-address code hook each, and its translation is
 * dropped so that it is translated again, with the hooks, before it runs. A failure (the engine
 * refused a hook, too many sites, no memory) ends the run with OUTCOME_HOST_ERROR. v is the
 * vCPU that stopped (for the trace). */
void insn_traps_handle_pending(struct insn_traps *t, struct vcpu *v);

/* The site at addr no longer holds its instruction (the guest replaced it): stop trapping it.
 * Deleting the hook drops every block translated with it. Nothing if addr is not trapped. */
void insn_traps_forget(struct insn_traps *t, uint64_t addr);

/* Read len bytes of code at virtual address addr through the CPU's address translation for
 * instruction fetch. Returns 0 or -EFAULT (not mapped, or outside RAM). */
int insn_trap_read_code(struct vm *vm, uint64_t addr, uint8_t *buf, size_t len);

#endif
