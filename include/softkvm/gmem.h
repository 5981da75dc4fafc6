/* Guest memory: the one checked, overflow-safe path from guest-physical addresses to host bytes. */
#ifndef SOFTKVM_GMEM_H
#define SOFTKVM_GMEM_H

#include "softkvm/types.h"

#define GMEM_MAX_SLOTS 8

/* One contiguous piece of guest RAM: guest-physical [gpa, gpa + size) is host [host, host + size).
 */
struct gmem_slot {
    gpa_t gpa;
    uint64_t size;
    uint8_t *host;
};

struct gmem {
    uint8_t *host; /* one host mapping holding every slot, in slot order */
    uint64_t size; /* bytes of guest RAM in all slots */
    unsigned nslots;
    struct gmem_slot slots[GMEM_MAX_SLOTS]; /* sorted by gpa, disjoint */
};

/* Map size bytes of zeroed guest RAM at guest-physical 0 (one slot). Returns 0, or -ENOMEM when
 * the host cannot provide it (the caller reports it). size must be a non-zero multiple of the
 * page size. */
int gmem_init(struct gmem *gm, uint64_t size);

/* Map zeroed guest RAM in n slots (gpa and size of each given; host is filled in), sorted by
 * gpa and disjoint, each a non-zero multiple of the page size. Returns 0, -EINVAL (bad slots) or
 * -ENOMEM. */
int gmem_init_slots(struct gmem *gm, const struct gmem_slot *slots, unsigned n);

/* Unmap guest RAM; safe on a zeroed or already released gmem. */
void gmem_release(struct gmem *gm);

/* True when [gpa, gpa + len) lies entirely inside one RAM slot, with no arithmetic overflow.
 * len == 0 is in range iff gpa is inside a slot or at its end. */
bool gmem_in_range(const struct gmem *gm, gpa_t gpa, uint64_t len);

/* Host pointer to [gpa, gpa + len) or NULL when any byte is outside guest RAM (or the range
 * spans two slots). The pointer is valid until gmem_release. */
void *gmem_ptr(const struct gmem *gm, gpa_t gpa, uint64_t len);

/* Copy between guest RAM and host buffers. Return 0, or -EFAULT (nothing copied) when any byte
 * of the guest range is outside RAM. */
int gmem_read(const struct gmem *gm, gpa_t gpa, void *buf, uint64_t len);
int gmem_write(struct gmem *gm, gpa_t gpa, const void *buf, uint64_t len);

/* Little- and big-endian scalar accessors; same error convention as gmem_read/gmem_write. */
int gmem_read_le64(const struct gmem *gm, gpa_t gpa, uint64_t *out);
int gmem_read_le32(const struct gmem *gm, gpa_t gpa, uint32_t *out);
int gmem_write_le64(struct gmem *gm, gpa_t gpa, uint64_t v);
int gmem_write_le32(struct gmem *gm, gpa_t gpa, uint32_t v);
int gmem_read_be32(const struct gmem *gm, gpa_t gpa, uint32_t *out);
int gmem_read_be64(const struct gmem *gm, gpa_t gpa, uint64_t *out);
int gmem_write_be32(struct gmem *gm, gpa_t gpa, uint32_t v);
int gmem_write_be64(struct gmem *gm, gpa_t gpa, uint64_t v);

#endif
