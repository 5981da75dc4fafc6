/* Value parsers shared by every command line front end: whole numbers, sizes, enums, lists. */
#include "cli/values.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

int cli_value_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -EINVAL;
    uint64_t v = 0;
    bool big = false;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            big = true;
        else
            v = v * 10 + d;
    }
    if (*s != '\0')
        return -EINVAL;
    if (big || v < min || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int cli_value_size(const char *s, uint64_t default_unit, uint64_t min, uint64_t max,
                   uint64_t *bytes)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -EINVAL;
    const char *end = s;
    while (*end >= '0' && *end <= '9')
        end++;
    static const char units[] = "KMGT";
    uint64_t unit = default_unit;
    const char *rest = end;
    if (*rest != '\0') {
        const char *u = strchr(units, *rest >= 'a' && *rest <= 'z' ? *rest - 'a' + 'A' : *rest);
        if (u == NULL)
            return -EINVAL;
        unit = 1ULL << (10 * (unsigned)(u - units + 1));
        rest++;
        if (strcmp(rest, "B") == 0 || strcmp(rest, "iB") == 0)
            rest += strlen(rest);
        if (*rest != '\0')
            return -EINVAL;
    }
    uint64_t n = 0;
    for (const char *p = s; p < end; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10)
            return -ERANGE;
        n = n * 10 + d;
    }
    if (unit != 0 && n > UINT64_MAX / unit)
        return -ERANGE;
    uint64_t v = n * unit;
    if (v < min || v > max)
        return -ERANGE;
    *bytes = v;
    return 0;
}

int cli_value_enum(const char *s, const char *const names[], unsigned n, unsigned *index)
{
    if (s == NULL)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *index = i;
            return 0;
        }
    }
    return -EINVAL;
}

int cli_value_list(const char *s, const char *const names[], unsigned n, uint64_t *mask,
                   const char **bad_at, size_t *bad_len)
{
    *bad_at = NULL;
    *bad_len = 0;
    if (s == NULL || *s == '\0')
        return -EINVAL;
    uint64_t m = 0;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        unsigned i = 0;
        while (i < n && i < 64 && !(strlen(names[i]) == len && strncmp(p, names[i], len) == 0))
            i++;
        if (len != 0 && (i == n || i >= 64)) {
            *bad_at = p;
            *bad_len = len;
            return -EINVAL;
        }
        if (len != 0)
            m |= 1ULL << i;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    *mask = m;
    return 0;
}

const char *cli_printable(const char *s, char *buf, size_t len)
{
    size_t n = 0, max = len > 0 ? len - 1 : 0;
    for (; s[n] != '\0' && n < max; n++)
        buf[n] = s[n] >= 0x20 && s[n] < 0x7F ? s[n] : '?';
    if (s[n] != '\0' && max >= 3)
        memcpy(buf + max - 3, "...", 3);
    if (len > 0)
        buf[n] = '\0';
    return buf;
}
