/* Guest memory: the one checked, overflow-safe path from guest-physical addresses to host bytes. */
#ifndef SOFTKVM_GMEM_H
#define SOFTKVM_GMEM_H

#include "softkvm/types.h"

struct gmem {
    uint8_t *host; /* host mapping of guest RAM, guest-physical 0 .. size-1 */
    uint64_t size; /* bytes of guest RAM */
};

/* Map size bytes of zeroed guest RAM. Returns 0, or -ENOMEM when the host cannot provide it
 * (the caller reports it). size must be a non-zero multiple of the page size. */
int gmem_init(struct gmem *gm, uint64_t size);

/* Unmap guest RAM; safe on a zeroed or already released gmem. */
void gmem_release(struct gmem *gm);

/* True when [gpa, gpa + len) lies entirely inside guest RAM, with no arithmetic overflow.
 * len == 0 is in range iff gpa <= size. */
bool gmem_in_range(const struct gmem *gm, gpa_t gpa, uint64_t len);

/* Host pointer to [gpa, gpa + len) or NULL when any byte is outside guest RAM. The pointer is
 * valid until gmem_release. */
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
