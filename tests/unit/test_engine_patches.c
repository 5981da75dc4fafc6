/* Tests of softkvm's engine patches (engine/patches/) on the engine itself, through its API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/mman.h>
#include <unicorn/unicorn.h>

#include "softkvm/engine_state.h"

#define RAM_SIZE  (4u << 20)
#define CODE_PAGE 0x1000ULL
#define DATA_PAGE 0x200000ULL /* no code anywhere on it */

struct engine {
    uc_engine *uc;
    uint8_t *ram;
    unsigned translations; /* UC_HOOK_EDGE_GENERATED calls: blocks translated */
};

static void on_translate(uc_engine *uc, uc_tb *cur, uc_tb *prev, void *user)
{
    (void)uc, (void)cur, (void)prev;
    ((struct engine *)user)->translations++;
}

static bool on_unmapped(uc_engine *uc, uc_mem_type t, uint64_t a, int s, int64_t v, void *u)
{
    (void)uc, (void)t, (void)a, (void)s, (void)v, (void)u;
    return false;
}

/* An x86-64 engine on RAM_SIZE bytes of host memory, with an unbounded unmapped-memory hook
 * (softkvm installs one) and the translation counter. */
static void engine_open(struct engine *e)
{
    memset(e, 0, sizeof(*e));
    e->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(e->ram != MAP_FAILED);
    assert_int_equal(uc_open(UC_ARCH_X86, UC_MODE_64, &e->uc), UC_ERR_OK);
    assert_int_equal(uc_mem_map_ptr(e->uc, 0, RAM_SIZE, UC_PROT_ALL, e->ram), UC_ERR_OK);
    uc_hook h;
    assert_int_equal(uc_hook_add(e->uc, &h, UC_HOOK_EDGE_GENERATED, (void *)on_translate, e, 1, 0),
                     UC_ERR_OK);
    assert_int_equal(uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, e, 1, 0),
                     UC_ERR_OK);
}

static void engine_close(struct engine *e)
{
    uc_close(e->uc);
    munmap(e->ram, RAM_SIZE);
}

static uint64_t reg(struct engine *e, int id)
{
    uint64_t v = 0;
    assert_int_equal(uc_reg_read(e->uc, id, &v), UC_ERR_OK);
    return v;
}

static void set_reg(struct engine *e, int id, uint64_t v)
{
    assert_int_equal(uc_reg_write(e->uc, id, &v), UC_ERR_OK);
}

/* RCX times: store EAX to (RBX), EAX += 1; then HLT, which ends the run (no `until` address:
 * the engine retranslates the block holding one at every start). */
static const uint8_t store_loop[] = {
    0x89, 0x03,       /* 0: mov %eax, (%rbx) */
    0x83, 0xc0, 0x01, /* 2: add $1, %eax */
    0x48, 0xff, 0xc9, /* 5: dec %rcx */
    0x75, 0xf6,       /* 8: jnz 0 */
    0xf4,             /* 10: hlt */
};

static void run_store_loop(struct engine *e, uint64_t target, uint64_t count)
{
    set_reg(e, UC_X86_REG_RBX, target);
    set_reg(e, UC_X86_REG_RCX, count);
    set_reg(e, UC_X86_REG_RAX, 0);
    assert_int_equal(uc_emu_start(e->uc, CODE_PAGE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(e, UC_X86_REG_RIP), CODE_PAGE + 11);
}

/* The engine's TLB entries for the identity-mapped page `page` (paging is off) hold, in QEMU's
 * layout, the page's address in addr_read, addr_code and paddr, and host - page in addend
 * (CPUTLBEntry: addr_read, addr_write, addr_code, paddr, addend). Search this process's
 * writable, non-executable mappings for them, at 8-byte steps, and collect their addr_write
 * words, which carry the slow-path flags in the bits under the page address. Returns how many
 * were found. */
static unsigned tlb_write_words(struct engine *e, uint64_t page, uint64_t *words, unsigned max)
{
    uint64_t addend = (uint64_t)(uintptr_t)e->ram; /* host of page - page */
    FILE *maps = fopen("/proc/self/maps", "r");
    assert_non_null(maps);
    char line[512];
    unsigned n = 0;
    static uint64_t chunk[1 << 13];
    while (fgets(line, sizeof(line), maps) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            perms[1] != 'w' || perms[2] == 'x')
            continue;
        if (lo == (uintptr_t)e->ram || hi - lo > (256ul << 20))
            continue; /* guest RAM itself; nothing the TLB lives in is that large */
        for (uintptr_t a = lo; a < hi; a += sizeof(chunk)) {
            size_t want = hi - a < sizeof(chunk) ? hi - a : sizeof(chunk);
            size_t got = engine_probe_read(a, chunk, want);
            for (size_t i = 0; i + 5 <= got / 8; i++) {
                if (chunk[i] == page && chunk[i + 2] == page && chunk[i + 3] == page &&
                    chunk[i + 4] == addend && (chunk[i + 1] & ~0xFFFULL) == page && n < max)
                    words[n++] = chunk[i + 1];
            }
        }
    }
    fclose(maps);
    return n;
}

/* Stores to a page that holds no translated code take the fast path: the engine's TLB entry
 * for it carries no slow-path flag once the page was written (unpatched 2.1.4 keeps
 * TLB_NOTDIRTY on it forever), while the code page's entry keeps its flag; and the stores
 * translate nothing new. */
static void test_data_page_store_is_fast(void **state)
{
    (void)state;
    struct engine e;
    engine_open(&e);
    memcpy(e.ram + CODE_PAGE, store_loop, sizeof(store_loop));
    run_store_loop(&e, DATA_PAGE, 100);
    unsigned after_warmup = e.translations;
    run_store_loop(&e, DATA_PAGE + 64, 100000);
    assert_int_equal(e.translations, after_warmup); /* nothing retranslated */
    uint32_t last;
    memcpy(&last, e.ram + DATA_PAGE + 64, 4);
    assert_int_equal(last, 99999); /* the stores landed */

    uint64_t words[16];
    unsigned n = tlb_write_words(&e, DATA_PAGE, words, 16);
    assert_true(n >= 1);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(words[i], DATA_PAGE); /* writable, no flag: the fast path */
    n = tlb_write_words(&e, CODE_PAGE, words, 16);
    for (unsigned i = 0; i < n; i++)
        assert_true((words[i] & 0xFFF) != 0); /* the code page stays on the slow path */
    engine_close(&e);
}

/* A store into code on the page being executed is seen by the next execution of that code,
 * and by the rest of the block that made it (x86's precise self-modifying code). */
static void test_store_to_code_page_is_seen(void **state)
{
    (void)state;
    struct engine e;
    engine_open(&e);
    /* At CODE_PAGE + 0x100: mov $imm32, %eax ; hlt. */
    static const uint8_t f[] = {0xb8, 0x07, 0x00, 0x00, 0x00, 0xf4};
    memcpy(e.ram + CODE_PAGE + 0x100, f, sizeof(f));
    memcpy(e.ram + CODE_PAGE, store_loop, sizeof(store_loop));
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RAX), 7);
    /* The store loop (same page) writes 41 into f's immediate: the loop's last EAX. */
    run_store_loop(&e, DATA_PAGE, 10); /* warm the data page */
    unsigned before = e.translations;
    run_store_loop(&e, CODE_PAGE + 0x101, 42);
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RAX), 41);
    assert_true(e.translations > before); /* the modified code was translated again */

    /* Inside one block: a store that rewrites the next instruction's immediate. */
    static const uint8_t g[] = {
        0xc7, 0x05, 0x01, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, /* movl $42, 1(%rip) */
        0xb8, 0x07, 0x00, 0x00, 0x00,                               /* mov $7, %eax */
        0xf4,
    };
    memcpy(e.ram + CODE_PAGE + 0x200, g, sizeof(g));
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x200, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RAX), 42);
    /* Code written on a page that held only data before is executed as written, too. */
    run_store_loop(&e, DATA_PAGE + 0x800, 1);
    memcpy(e.ram + DATA_PAGE + 0x800, f, sizeof(f));
    assert_int_equal(uc_emu_start(e.uc, DATA_PAGE + 0x800, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RAX), 7);
    run_store_loop(&e, DATA_PAGE + 0x801, 43); /* now a code page: the store must invalidate */
    assert_int_equal(uc_emu_start(e.uc, DATA_PAGE + 0x800, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RAX), 42);
    engine_close(&e);
}

static unsigned hits_invalid, hits_intr, hits_block, hits_code, hits_in, hits_out, hits_cpuid,
    hits_unmapped;
static bool h_invalid(uc_engine *uc, void *u)
{
    (void)uc, (void)u;
    hits_invalid++;
    return false;
}
static void h_intr(uc_engine *uc, uint32_t intno, void *u)
{
    (void)u;
    if (intno == 3)
        hits_intr++;
    uc_emu_stop(uc);
}
static void h_block(uc_engine *uc, uint64_t a, uint32_t s, void *u)
{
    (void)uc, (void)a, (void)s, (void)u;
    hits_block++;
}
static void h_code(uc_engine *uc, uint64_t a, uint32_t s, void *u)
{
    (void)uc, (void)a, (void)s, (void)u;
    hits_code++;
}
static uint32_t h_in(uc_engine *uc, uint32_t port, int size, void *u)
{
    (void)uc, (void)size, (void)u;
    hits_in += port == 0x60;
    return 0x5a;
}
static void h_out(uc_engine *uc, uint32_t port, int size, uint32_t v, void *u)
{
    (void)uc, (void)size, (void)u;
    hits_out += port == 0x61 && v == 0x5a;
}
static int h_cpuid(uc_engine *uc, void *u)
{
    (void)u;
    uint64_t v = 0x12345678;
    uc_reg_write(uc, UC_X86_REG_EBX, &v);
    hits_cpuid++;
    return 1;
}
static bool h_unmapped(uc_engine *uc, uc_mem_type t, uint64_t a, int s, int64_t v, void *u)
{
    (void)uc, (void)t, (void)s, (void)v, (void)u;
    hits_unmapped += a == 0x40000000;
    return false;
}

/* The hooks softkvm installs are still accepted and still fire on the patched engine. */
static void test_hooks_softkvm_uses(void **state)
{
    (void)state;
    struct engine e;
    engine_open(&e);
    uc_hook h;
    uc_engine *uc = e.uc;
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, (void *)h_invalid, NULL, 1, 0), 0);
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)h_intr, NULL, 1, 0), 0);
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)h_block, NULL, 1, 0), 0);
    assert_int_equal(
        uc_hook_add(uc, &h, UC_HOOK_CODE, (void *)h_code, NULL, CODE_PAGE + 2, CODE_PAGE + 2), 0);
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)h_in, NULL, 1, 0, UC_X86_INS_IN), 0);
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)h_out, NULL, 1, 0, UC_X86_INS_OUT),
                     0);
    assert_int_equal(
        uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)h_cpuid, NULL, 1, 0, UC_X86_INS_CPUID), 0);
    assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)h_unmapped, NULL, 1, 0), 0);
    assert_int_equal(uc_ctl_exits_enable(uc), UC_ERR_OK);
    static const uint8_t code[] = {
        0xe4, 0x60,       /* 0: in $0x60, %al */
        0xe6, 0x61,       /* 2: out %al, $0x61 (code hook here) */
        0x0f, 0xa2,       /* 4: cpuid */
        0x0f, 0x01, 0xc1, /* 6: vmcall: invalid in the engine */
    };
    memcpy(e.ram + CODE_PAGE, code, sizeof(code));
    assert_int_equal(uc_emu_start(uc, CODE_PAGE, 0, 0, 0), UC_ERR_INSN_INVALID);
    assert_int_equal(reg(&e, UC_X86_REG_RIP), CODE_PAGE + 6);
    assert_int_equal(reg(&e, UC_X86_REG_EBX), 0x12345678);
    static const uint8_t code2[] = {
        0xcc,                            /* int3 */
        0xa1, 0, 0, 0, 0x40, 0, 0, 0, 0, /* movabs 0x40000000, %eax: unmapped */
    };
    memcpy(e.ram + CODE_PAGE + 0x100, code2, sizeof(code2));
    assert_int_equal(uc_emu_start(uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(uc_emu_start(uc, CODE_PAGE + 0x101, 0, 0, 0), UC_ERR_READ_UNMAPPED);
    assert_int_equal(hits_in, 1);
    assert_int_equal(hits_out, 1);
    assert_int_equal(hits_cpuid, 1);
    assert_int_equal(hits_code, 1);
    assert_int_equal(hits_invalid, 1);
    assert_int_equal(hits_intr, 1);
    assert_int_equal(hits_unmapped, 1);
    assert_true(hits_block >= 3);
    engine_close(&e);
}

static unsigned mmio_writes;
static void mmio_write_stop(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *u)
{
    (void)off, (void)size, (void)v, (void)u;
    mmio_writes++;
    uc_emu_stop(uc);
}
static uint64_t mmio_read_zero(uc_engine *uc, uint64_t off, unsigned size, void *u)
{
    (void)uc, (void)off, (void)size, (void)u;
    return 0;
}
static void block_stop(uc_engine *uc, uint64_t a, uint32_t s, void *u)
{
    (void)a, (void)s;
    if (*(int *)u && (*(int *)u)--)
        uc_emu_stop(uc);
}

/* Where the engine stops when asked from inside an access or a block hook (patch 0002 moved
 * these checks): an MMIO callback's stop leaves RIP at the store, nothing after it ran, and the
 * store runs again on resume; an unmapped load stops at the load; a block hook's stop comes
 * before the block's first instruction. */
static void test_stops_inside_accesses(void **state)
{
    (void)state;
    struct engine e;
    engine_open(&e);
    assert_int_equal(
        uc_mmio_map(e.uc, 0x40000000, 0x1000, mmio_read_zero, NULL, mmio_write_stop, NULL),
        UC_ERR_OK);
    static const uint8_t code[] = {
        0x89, 0x03,                   /* 0: mov %eax, (%rbx) */
        0xb9, 0x05, 0x00, 0x00, 0x00, /* 2: mov $5, %ecx */
        0xf4,                         /* 7: hlt */
    };
    memcpy(e.ram + CODE_PAGE, code, sizeof(code));
    set_reg(&e, UC_X86_REG_RBX, 0x40000000);
    set_reg(&e, UC_X86_REG_RCX, 0);
    mmio_writes = 0;
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(mmio_writes, 1);
    assert_int_equal(reg(&e, UC_X86_REG_RIP), CODE_PAGE);
    assert_int_equal(reg(&e, UC_X86_REG_RCX), 0);
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(mmio_writes, 2); /* the store again, then stopped again */
    assert_int_equal(reg(&e, UC_X86_REG_RCX), 0);

    static const uint8_t load[] = {
        0x8b, 0x03,                   /* 0: mov (%rbx), %eax */
        0xb9, 0x05, 0x00, 0x00, 0x00, /* 2: mov $5, %ecx */
        0xf4,                         /* 7: hlt */
    };
    memcpy(e.ram + CODE_PAGE + 0x100, load, sizeof(load));
    set_reg(&e, UC_X86_REG_RBX, 0x50000000); /* unmapped */
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_READ_UNMAPPED);
    assert_int_equal(reg(&e, UC_X86_REG_RIP), CODE_PAGE + 0x100);
    assert_int_equal(reg(&e, UC_X86_REG_RCX), 0);

    int stops = 1;
    uc_hook h;
    assert_int_equal(uc_hook_add(e.uc, &h, UC_HOOK_BLOCK, (void *)block_stop, &stops, 1, 0), 0);
    assert_int_equal(uc_ctl_flush_tb(e.uc), UC_ERR_OK); /* as softkvm's clock does */
    set_reg(&e, UC_X86_REG_RBX, 0x300000);
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RIP), CODE_PAGE + 0x100);
    assert_int_equal(reg(&e, UC_X86_REG_RCX), 0);
    assert_int_equal(uc_emu_start(e.uc, CODE_PAGE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(&e, UC_X86_REG_RCX), 5);
    engine_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_page_store_is_fast),
        cmocka_unit_test(test_store_to_code_page_is_seen),
        cmocka_unit_test(test_hooks_softkvm_uses),
        cmocka_unit_test(test_stops_inside_accesses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
