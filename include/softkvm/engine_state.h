/* Finding the engine's live CPU state for exit fast paths (Unicorn-generic; the backend chooses
 * the markers and the checks). */
#ifndef SOFTKVM_ENGINE_STATE_H
#define SOFTKVM_ENGINE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unicorn/unicorn.h>

/* A register of width bytes (4 or 8) at p, as the engine's state holds it (host byte order). */
static inline uint64_t engine_load_reg(const void *p, unsigned width)
{
    if (width == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Copy up to len bytes from addr in this process without risk: the kernel checks the range
 * (process_vm_readv, or a pipe where a seccomp policy refuses it). Returns the bytes copied; a
 * short count means the rest is not mapped. */
size_t engine_probe_read(uintptr_t addr, void *buf, size_t len);

/* Whether the candidate at addr is the live state (the backend's own checks). */
typedef bool (*engine_state_accept_fn)(uintptr_t addr, void *user);

/* Find the first 8-byte-aligned address where the len bytes of marks lie, within 128 KiB past
 * any pointer held in the first 8 KiB of the engine handle, that accept also takes. Returns 0
 * with *found that address; -ENOENT (none), -EINVAL (len outside 8 .. 128 KiB) or -ENOMEM, with
 * *found 0. Reads only through engine_probe_read. marks should be values no engine would hold
 * by chance (the backend writes them into the registers first), and len at least 64. Keeps no
 * state between calls: VMs on several threads may search at once. */
int engine_state_search(uc_engine *uc, const void *marks, size_t len, engine_state_accept_fn accept,
                        void *user, uintptr_t *found);

/* Whether the width-byte (4 or 8) field at addr is the engine's own register regid, which holds
 * mark: a value written through the API shows up there, and mark written there reads back
 * through the API. The register holds mark again afterwards. The write into addr happens only
 * once the first half proved it the engine's state. */
bool engine_state_check_register(uc_engine *uc, int regid, uintptr_t addr, unsigned width,
                                 uint64_t mark);

/* Save the engine's context and find the len bytes of marks (already in the registers) in it.
 * Returns 0 with *off their offset in the saved blob (the CPU state behind a header), *blob a
 * malloc'd copy of the blob (the caller frees it) and *blob_len its size. Otherwise nothing to
 * free: -ENOENT (the marks are not there exactly once), -ENOTSUP (the engine cannot save a
 * context), -EINVAL (len < 8) or -ENOMEM. The engine's own context is freed before returning, so
 * a later search cannot mistake it for the live state. */
int engine_context_snapshot(uc_engine *uc, const void *marks, size_t len, uint8_t **blob,
                            size_t *blob_len, size_t *off);

/* Offset (>= 0) of the width-byte (4 or 8) value v in blob, at width-aligned steps; -ENOENT when
 * it is not there or there more than once. */
long engine_blob_find(const uint8_t *blob, size_t len, uint64_t v, unsigned width);

#endif
