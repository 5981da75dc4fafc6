/* Guest memory: allocation and the checked, overflow-safe accessors every guest access uses. */
#include "softkvm/gmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int gmem_init(struct gmem *gm, uint64_t size)
{
    const struct gmem_slot one = {0, size, NULL};
    return gmem_init_slots(gm, &one, 1);
}

int gmem_init_slots(struct gmem *gm, const struct gmem_slot *slots, unsigned n)
{
    *gm = (struct gmem){0};
    if (n == 0 || n > GMEM_MAX_SLOTS)
        return -EINVAL;
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct gmem_slot *s = &slots[i];
        if (s->size == 0 || ((s->gpa | s->size) & ~SKVM_PAGE_MASK) != 0 ||
            s->gpa + s->size - 1 < s->gpa || total + s->size < total)
            return -EINVAL;
        if (i > 0 && slots[i - 1].gpa + slots[i - 1].size > s->gpa)
            return -EINVAL; /* unsorted or overlapping */
        total += s->size;
    }
    void *p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -ENOMEM;
    gm->host = p;
    gm->size = total;
    gm->nslots = n;
    uint64_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        gm->slots[i] = (struct gmem_slot){slots[i].gpa, slots[i].size, gm->host + off};
        off += slots[i].size;
    }
    return 0;
}

void gmem_release(struct gmem *gm)
{
    if (gm->host != NULL)
        munmap(gm->host, gm->size);
    *gm = (struct gmem){0};
}

/* The slot that holds [gpa, gpa + len), or NULL. */
static const struct gmem_slot *slot_of(const struct gmem *gm, gpa_t gpa, uint64_t len)
{
    for (unsigned i = 0; i < gm->nslots; i++) {
        const struct gmem_slot *s = &gm->slots[i];
        /* Written so that no sum can overflow: gpa - base <= size, then len <= the rest. */
        if (gpa >= s->gpa && gpa - s->gpa <= s->size && len <= s->size - (gpa - s->gpa))
            return s;
    }
    return NULL;
}

bool gmem_in_range(const struct gmem *gm, gpa_t gpa, uint64_t len)
{
    return slot_of(gm, gpa, len) != NULL;
}

void *gmem_ptr(const struct gmem *gm, gpa_t gpa, uint64_t len)
{
    const struct gmem_slot *s = slot_of(gm, gpa, len);
    return s != NULL ? s->host + (gpa - s->gpa) : NULL;
}

int gmem_read(const struct gmem *gm, gpa_t gpa, void *buf, uint64_t len)
{
    const void *p = gmem_ptr(gm, gpa, len);
    if (p == NULL)
        return -EFAULT;
    memcpy(buf, p, len);
    return 0;
}

int gmem_write(struct gmem *gm, gpa_t gpa, const void *buf, uint64_t len)
{
    void *p = gmem_ptr(gm, gpa, len);
    if (p == NULL)
        return -EFAULT;
    memcpy(p, buf, len);
    return 0;
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t load_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static void store_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void store_be(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* Scalar access of n bytes in the given byte order; the public accessors are thin wrappers. */
static int load(const struct gmem *gm, gpa_t gpa, unsigned n, bool be, uint64_t *out)
{
    const uint8_t *p = gmem_ptr(gm, gpa, n);
    if (p == NULL)
        return -EFAULT;
    *out = be ? load_be(p, n) : load_le(p, n);
    return 0;
}

static int store(const struct gmem *gm, gpa_t gpa, unsigned n, bool be, uint64_t v)
{
    uint8_t *p = gmem_ptr(gm, gpa, n);
    if (p == NULL)
        return -EFAULT;
    if (be)
        store_be(p, n, v);
    else
        store_le(p, n, v);
    return 0;
}

int gmem_read_le64(const struct gmem *gm, gpa_t gpa, uint64_t *out)
{
    return load(gm, gpa, 8, false, out);
}

int gmem_read_le32(const struct gmem *gm, gpa_t gpa, uint32_t *out)
{
    uint64_t v;
    int rc = load(gm, gpa, 4, false, &v);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

int gmem_write_le64(struct gmem *gm, gpa_t gpa, uint64_t v)
{
    return store(gm, gpa, 8, false, v);
}

int gmem_write_le32(struct gmem *gm, gpa_t gpa, uint32_t v)
{
    return store(gm, gpa, 4, false, v);
}

int gmem_read_be32(const struct gmem *gm, gpa_t gpa, uint32_t *out)
{
    uint64_t v;
    int rc = load(gm, gpa, 4, true, &v);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

int gmem_read_be64(const struct gmem *gm, gpa_t gpa, uint64_t *out)
{
    return load(gm, gpa, 8, true, out);
}

int gmem_write_be32(struct gmem *gm, gpa_t gpa, uint32_t v)
{
    return store(gm, gpa, 4, true, v);
}

int gmem_write_be64(struct gmem *gm, gpa_t gpa, uint64_t v)
{
    return store(gm, gpa, 8, true, v);
}
