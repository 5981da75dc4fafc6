/* Direct access to the engine's live x86 CPU state for the hypercall fast path, located once per
 * engine by a search that is checked against the register API (and skipped when it fails). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/x86_64/x86.h"

#define NGPR      16
#define UC_WORDS  1024     /* how much of the engine handle is searched for pointers (8 KiB) */
#define WINDOW    0x20000U /* how far past each pointer the CPU state may lie (128 KiB) */
#define SEG_SIZE  24
#define SEG_CS    1
#define RIP_MAGIC 0x00005EC0FF5E1234ULL
#define CR3_MAGIC 0x00005EC0FF5E3000ULL

static const int gpr_ids[NGPR] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
}; /* QEMU's order of env->regs[] */

/* The same copy through a pipe, for hosts whose seccomp policy refuses process_vm_readv: write(2)
 * from an unmapped address fails with EFAULT. Raw system calls, so that a sanitizer does not take
 * the probe for a bad read of its own. Page by page, so a short write means an unmapped page. */
static size_t pipe_read(uintptr_t addr, void *buf, size_t len)
{
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return 0;
    size_t done = 0;
    while (done < len) {
        size_t chunk = 4096 - ((addr + done) & 4095);
        if (chunk > len - done)
            chunk = len - done;
        long w = syscall(SYS_write, fds[1], (const void *)(addr + done), chunk);
        if (w <= 0 || syscall(SYS_read, fds[0], (uint8_t *)buf + done, (size_t)w) != w)
            break;
        done += (size_t)w;
        if ((size_t)w < chunk)
            break;
    }
    close(fds[0]);
    close(fds[1]);
    return done;
}

/* Copy len bytes from any address of this process; a part that is not mapped is not copied (the
 * kernel checks it, so a wrong guess cannot crash the host). Returns the bytes copied. */
static size_t probe_read(uintptr_t addr, void *buf, size_t len)
{
    static bool no_vm_readv;
    if (!no_vm_readv) {
        struct iovec local = {buf, len}, remote = {(void *)addr, len};
        ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
        if (n >= 0 || errno == EFAULT)
            return n < 0 ? 0 : (size_t)n;
        no_vm_readv = true; /* ENOSYS, EPERM: not allowed here */
    }
    return pipe_read(addr, buf, len);
}

/* Offset of the 8-byte value v in blob (searched at 8-byte steps from `from`), or -1 when it is
 * absent or there more than once. */
static long find_once(const uint8_t *blob, size_t len, uint64_t v, size_t from)
{
    long at = -1;
    for (size_t o = from; o + 8 <= len; o += 8) {
        uint64_t x;
        memcpy(&x, blob + o, 8);
        if (x == v) {
            if (at >= 0)
                return -1;
            at = (long)o;
        }
    }
    return at;
}

/* Offsets of the markers in the CPU state, from a saved context (a copy of the state behind a
 * header); freed again before the search so that the copy cannot be mistaken for the state. */
struct offsets {
    size_t rip, cr3, cs_sel;
};

static int find_offsets(uc_engine *uc, const struct x86_ctx_layout *lay, const uint64_t gprs[NGPR],
                        struct offsets *off)
{
    uc_context *ctx = NULL;
    if (uc_context_alloc(uc, &ctx) != UC_ERR_OK)
        return -1;
    int rc = -1;
    size_t len = uc_context_size(uc);
    const uint8_t *blob = (const uint8_t *)ctx;
    if (uc_context_save(uc, ctx) == UC_ERR_OK) {
        long head = find_once(blob, len, gprs[0], 0);
        long rip = find_once(blob, len, RIP_MAGIC, 0);
        long cr3 = find_once(blob, len, CR3_MAGIC, 0);
        if (head >= 0 && rip > head && cr3 > head && (size_t)head < lay->segs &&
            memcmp(blob + head, gprs, sizeof(uint64_t) * NGPR) == 0) {
            off->rip = (size_t)(rip - head);
            off->cr3 = (size_t)(cr3 - head);
            off->cs_sel = lay->segs - (size_t)head + SEG_CS * SEG_SIZE;
            rc = 0;
        }
    }
    uc_context_free(ctx);
    return rc;
}

/* Whether env is the live state: the markers are there, and a register written through the API
 * shows up there and one written there shows up through the API. */
static bool is_live(uc_engine *uc, uintptr_t env, const struct offsets *off,
                    const uint64_t gprs[NGPR])
{
    uint64_t rip = 0, cr3 = 0, rax = 0, api = 0, mark = ~gprs[0];
    uint64_t cs = 0;
    uint32_t sel = 0;
    if (probe_read(env + off->rip, &rip, 8) != 8 || probe_read(env + off->cr3, &cr3, 8) != 8 ||
        probe_read(env + off->cs_sel, &sel, 4) != 4 || rip != RIP_MAGIC || cr3 != CR3_MAGIC ||
        uc_reg_read(uc, UC_X86_REG_CS, &cs) != UC_ERR_OK || sel != (uint32_t)(cs & 0xffff))
        return false;
    uc_reg_write(uc, UC_X86_REG_RAX, &mark);
    if (probe_read(env, &rax, 8) != 8 || rax != mark) {
        uc_reg_write(uc, UC_X86_REG_RAX, &gprs[0]);
        return false;
    }
    *(uint64_t *)env = gprs[0]; /* known now to be the engine's own, writable state */
    uc_reg_read(uc, UC_X86_REG_RAX, &api);
    return api == gprs[0];
}

/* The live state among the places holding the GPR block that the engine handle points into. */
static uintptr_t search_state(uc_engine *uc, const struct offsets *off, const uint64_t gprs[NGPR])
{
    static uint64_t words[UC_WORDS];
    static uint64_t win[WINDOW / 8];
    size_t nw = probe_read((uintptr_t)uc, words, sizeof(words)) / 8;
    for (size_t i = 0; i < nw; i++) {
        if (words[i] == 0 || (words[i] & 7) != 0)
            continue;
        size_t got = probe_read((uintptr_t)words[i], win, sizeof(win)) / 8;
        for (size_t j = 0; j + NGPR <= got; j++) {
            uintptr_t at = (uintptr_t)words[i] + j * 8;
            if (win[j] == gprs[0] && memcmp(&win[j], gprs, sizeof(uint64_t) * NGPR) == 0 &&
                is_live(uc, at, off, gprs))
                return at;
        }
    }
    return 0;
}

/* Locate everything while the registers hold the markers; 0 when found and checked. */
static int locate(uc_engine *uc, const struct x86_ctx_layout *lay, const uint64_t gprs[NGPR],
                  struct x86_live *live)
{
    struct offsets off;
    if (find_offsets(uc, lay, gprs, &off) != 0)
        return -1;
    uintptr_t env = search_state(uc, &off, gprs);
    if (env == 0)
        return -1;
    live->regs = (uint64_t *)env;
    live->rip = (uint64_t *)(env + off.rip);
    live->cr3 = (uint64_t *)(env + off.cr3);
    live->cs_sel = (const uint32_t *)(env + off.cs_sel);
    return 0;
}

int x86_live_find(uc_engine *uc, const struct x86_ctx_layout *lay, struct x86_live *live)
{
    memset(live, 0, sizeof(*live));
    uint64_t saved[NGPR], saved_rip = 0, saved_cr3 = 0, marks[NGPR];
    void *saved_p[NGPR], *marks_p[NGPR];
    for (unsigned i = 0; i < NGPR; i++) {
        marks[i] = 0x9E3779B97F4A7C15ULL * (i + 1) ^ 0x5EC0FF5E00000000ULL;
        saved_p[i] = &saved[i];
        marks_p[i] = &marks[i];
    }
    if (uc_reg_read_batch(uc, gpr_ids, saved_p, NGPR) != UC_ERR_OK ||
        uc_reg_read(uc, UC_X86_REG_RIP, &saved_rip) != UC_ERR_OK ||
        uc_reg_read(uc, UC_X86_REG_CR3, &saved_cr3) != UC_ERR_OK)
        return -1;
    uint64_t rip = RIP_MAGIC, cr3 = CR3_MAGIC;
    int rc = -1;
    if (uc_reg_write_batch(uc, gpr_ids, marks_p, NGPR) == UC_ERR_OK &&
        uc_reg_write(uc, UC_X86_REG_RIP, &rip) == UC_ERR_OK &&
        uc_reg_write(uc, UC_X86_REG_CR3, &cr3) == UC_ERR_OK)
        rc = locate(uc, lay, marks, live);
    uc_reg_write_batch(uc, gpr_ids, saved_p, NGPR);
    uc_reg_write(uc, UC_X86_REG_RIP, &saved_rip);
    uc_reg_write(uc, UC_X86_REG_CR3, &saved_cr3);
    return rc;
}
