/* A minimal reader of the flattened device tree for PowerPC guests: a property by node path, or
 * the first property of a name in any node. */
#include "guest/ppc/ppc.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p)
{
    return fdt_cell(p, 0);
}

struct walker {
    const uint8_t *s;    /* structure block */
    const char *strings; /* strings block */
    uint32_t off, size;
};

static bool walker_init(struct walker *w, const void *fdt)
{
    const uint8_t *h = fdt;
    if (fdt == NULL || be32(h) != FDT_MAGIC)
        return false;
    w->s = h + be32(h + 8);
    w->strings = (const char *)h + be32(h + 12);
    w->size = be32(h + 36);
    w->off = 0;
    return true;
}

static uint32_t align4(uint32_t x)
{
    return (x + 3) & ~3u;
}

/* Calls fn for each property; depth and the node name path are tracked. Stops when fn returns
 * true and returns that property. */
typedef bool (*prop_fn)(const char *path, const char *name, void *ctx);

static const void *walk(const void *fdt, prop_fn fn, void *ctx, int *len)
{
    struct walker w;
    if (!walker_init(&w, fdt))
        return NULL;
    char path[256] = "";
    size_t plen = 0;
    size_t stack[16];
    int depth = 0;
    while (w.off + 4 <= w.size) {
        uint32_t tok = be32(w.s + w.off);
        w.off += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)w.s + w.off;
            size_t n = strlen(name);
            w.off = align4(w.off + (uint32_t)n + 1);
            if (depth < 16)
                stack[depth] = plen;
            depth++;
            if (depth > 1 && plen + n + 2 < sizeof(path)) {
                path[plen++] = '/';
                memcpy(path + plen, name, n);
                plen += n;
                path[plen] = '\0';
            }
        } else if (tok == FDT_END_NODE) {
            depth--;
            if (depth >= 0 && depth < 16) {
                plen = stack[depth];
                path[plen] = '\0';
            }
        } else if (tok == FDT_PROP) {
            uint32_t plen_ = be32(w.s + w.off), nameoff = be32(w.s + w.off + 4);
            const void *val = w.s + w.off + 8;
            w.off = align4(w.off + 8 + plen_);
            if (fn(plen ? path : "/", w.strings + nameoff, ctx)) {
                if (len != NULL)
                    *len = (int)plen_;
                return val;
            }
        } else if (tok == FDT_END) {
            break;
        } else if (tok != FDT_NOP) {
            break;
        }
    }
    return NULL;
}

struct want {
    const char *path, *name;
};

static bool match_path(const char *path, const char *name, void *ctx)
{
    const struct want *w = ctx;
    return strcmp(name, w->name) == 0 && (w->path == NULL || strcmp(path, w->path) == 0);
}

const void *fdt_getprop_path(const void *fdt, const char *path, const char *name, int *len)
{
    struct want w = {path, name};
    return walk(fdt, match_path, &w, len);
}

const void *fdt_find_prop_any(const void *fdt, const char *name, int *len)
{
    struct want w = {NULL, name};
    return walk(fdt, match_path, &w, len);
}

bool fdt_stringlist_contains(const char *list, int len, const char *s)
{
    int i = 0;
    while (i < len) {
        if (strcmp(list + i, s) == 0)
            return true;
        i += (int)strlen(list + i) + 1;
    }
    return false;
}
