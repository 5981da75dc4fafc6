/* The DIAGNOSE call-site finder (linear decoding of a translated block) and the sorted site set. */
#include "arch/s390x/diag_sites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/psw.h"

size_t s390_scan_diag(const uint8_t *code, size_t len, uint64_t addr, uint64_t *sites, size_t max)
{
    size_t found = 0;
    size_t off = 0;
    while (off < len) {
        unsigned ilen = s390_insn_len(code[off]);
        if (ilen > len - off)
            break;
        if (code[off] == S390_DIAG_OPCODE) {
            if (found < max)
                sites[found] = addr + off;
            found++;
        }
        off += ilen;
    }
    return found;
}

/* Index of the first site whose address is >= addr. */
static size_t lower_bound(const struct s390_sites *s, uint64_t addr)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct s390_site *s390_sites_find(const struct s390_sites *s, uint64_t addr)
{
    size_t i = lower_bound(s, addr);
    return i < s->n && s->v[i].addr == addr ? &s->v[i] : NULL;
}

int s390_sites_add(struct s390_sites *s, uint64_t addr, uintptr_t hook)
{
    size_t i = lower_bound(s, addr);
    if (i < s->n && s->v[i].addr == addr)
        return -EEXIST;
    if (s->n >= S390_MAX_SITES)
        return -ENOSPC;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct s390_site *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
    s->v[i] = (struct s390_site){addr, hook};
    s->n++;
    return 0;
}

int s390_sites_remove(struct s390_sites *s, uint64_t addr)
{
    size_t i = lower_bound(s, addr);
    if (i >= s->n || s->v[i].addr != addr)
        return -ENOENT;
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
    s->n--;
    return 0;
}

void s390_sites_release(struct s390_sites *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
