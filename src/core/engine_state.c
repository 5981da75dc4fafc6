/* Finding the engine's live CPU state: kernel-checked probes of the memory the engine handle
 * points into (see docs/design.md, "The hypercall fast paths"). */
#include "softkvm/engine_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define HANDLE_WORDS 1024    /* how much of the engine handle is searched for pointers (8 KiB) */
#define WINDOW       0x20000 /* how far past each pointer the state may lie (128 KiB) */

/* The copy through a pipe: write(2) from an unmapped address fails with EFAULT. Raw system
 * calls, so that a sanitizer does not take the probe for a bad read of its own. Page by page,
 * so a short write means an unmapped page. */
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

size_t engine_probe_read(uintptr_t addr, void *buf, size_t len)
{
    /* Tried on every call (no latch: probes run only while a VM is set up, and a VM on another
     * thread may be probing at the same time). */
    struct iovec local = {buf, len}, remote = {(void *)addr, len};
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n >= 0 || errno == EFAULT)
        return n < 0 ? 0 : (size_t)n;
    return pipe_read(addr, buf, len); /* ENOSYS, EPERM: not allowed here */
}

int engine_state_search(uc_engine *uc, const void *marks, size_t len, engine_state_accept_fn accept,
                        void *user, uintptr_t *found)
{
    uint64_t first;
    *found = 0;
    if (len < 8 || len > WINDOW)
        return -EINVAL;
    /* Scratch of this call (136 KiB: the heap, not the stack). */
    uint64_t *words = malloc(HANDLE_WORDS * sizeof(*words));
    uint8_t *win = malloc(WINDOW);
    if (words == NULL || win == NULL) {
        free(words);
        free(win);
        return -ENOMEM;
    }
    memcpy(&first, marks, 8);
    size_t nw = engine_probe_read((uintptr_t)uc, words, HANDLE_WORDS * sizeof(*words)) / 8;
    for (size_t i = 0; i < nw && *found == 0; i++) {
        if (words[i] == 0 || (words[i] & 7) != 0)
            continue;
        size_t got = engine_probe_read((uintptr_t)words[i], win, WINDOW);
        for (size_t o = 0; o + len <= got; o += 8) {
            uint64_t x;
            memcpy(&x, win + o, 8);
            uintptr_t at = (uintptr_t)words[i] + o;
            if (x == first && memcmp(win + o, marks, len) == 0 && accept(at, user)) {
                *found = at;
                break;
            }
        }
    }
    free(words);
    free(win);
    return *found != 0 ? 0 : -ENOENT;
}

bool engine_state_check_register(uc_engine *uc, int regid, uintptr_t addr, unsigned width,
                                 uint64_t mark)
{
    uint64_t mask = width == 4 ? 0xFFFFFFFFULL : ~0ULL, flipped = ~mark & mask, api = 0;
    uint8_t buf[8];
    if (uc_reg_write(uc, regid, &flipped) != UC_ERR_OK)
        return false;
    if (engine_probe_read(addr, buf, width) != width || engine_load_reg(buf, width) != flipped) {
        (void)uc_reg_write(uc, regid, &mark); /* best effort: the probe has failed anyway */
        return false;
    }
    memcpy((void *)addr, &mark, width); /* little-endian host: the low bytes for width 4 */
    return uc_reg_read(uc, regid, &api) == UC_ERR_OK && (api & mask) == (mark & mask);
}

int engine_context_snapshot(uc_engine *uc, const void *marks, size_t len, uint8_t **blob,
                            size_t *blob_len, size_t *off)
{
    uc_context *ctx = NULL;
    uint64_t first;
    *blob = NULL;
    if (len < 8)
        return -EINVAL;
    if (uc_context_alloc(uc, &ctx) != UC_ERR_OK)
        return -ENOTSUP;
    memcpy(&first, marks, 8);
    size_t n = uc_context_size(uc);
    int rc = 0;
    long at = -ENOENT;
    uint8_t *copy = malloc(n);
    if (copy == NULL) {
        rc = -ENOMEM;
    } else if (uc_context_save(uc, ctx) != UC_ERR_OK) {
        rc = -ENOTSUP;
    } else {
        memcpy(copy, ctx, n);
        at = engine_blob_find(copy, n, first, 8);
        if (at < 0 || (size_t)at + len > n || memcmp(copy + at, marks, len) != 0)
            rc = -ENOENT;
    }
    uc_context_free(ctx);
    if (rc != 0) {
        free(copy);
        return rc;
    }
    *blob = copy;
    *blob_len = n;
    *off = (size_t)at;
    return 0;
}

long engine_blob_find(const uint8_t *blob, size_t len, uint64_t v, unsigned width)
{
    long at = -ENOENT;
    for (size_t o = 0; o + width <= len; o += width) {
        uint64_t x = 0;
        if (width == 4) {
            uint32_t y;
            memcpy(&y, blob + o, 4);
            x = y;
        } else {
            memcpy(&x, blob + o, 8);
        }
        if (x == v) {
            if (at >= 0)
                return -ENOENT;
            at = (long)o;
        }
    }
    return at;
}
