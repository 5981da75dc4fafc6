/* gdb remote serial protocol: packet parsing and framing, hex encoding. */
#include "debug/gdb_rsp.h"

#include <string.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void rsp_init(struct rsp_parser *p)
{
    memset(p, 0, sizeof(*p));
}

enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c)
{
    switch (p->state) {
    case 0:
        if (c == 0x03)
            return RSP_INTERRUPT;
        if (c == '$') {
            p->state = 1;
            p->len = 0;
            p->sum = 0;
            p->overflow = 0;
        }
        return RSP_NONE; /* '+', '-' and noise between packets */
    case 1:
        if (c == '#') {
            p->state = 2;
            return RSP_NONE;
        }
        p->sum = (uint8_t)(p->sum + c);
        if (p->len < RSP_MAX_PACKET)
            p->buf[p->len++] = (char)c;
        else
            p->overflow = 1;
        return RSP_NONE;
    case 2: {
        int h = hexval(c);
        p->want = (uint8_t)((h < 0 ? 0 : h) << 4);
        p->state = h < 0 ? 4 : 3;
        return RSP_NONE;
    }
    default: {
        int h = hexval(c);
        int bad = p->state == 4 || h < 0 || p->overflow || (uint8_t)(p->want | h) != p->sum;
        p->state = 0;
        if (bad)
            return RSP_BAD;
        p->buf[p->len] = '\0';
        /* Undo binary escapes in place ("}x" is x ^ 0x20). */
        size_t o = 0;
        for (size_t i = 0; i < p->len; i++) {
            if (p->buf[i] == '}' && i + 1 < p->len)
                p->buf[o++] = (char)(p->buf[++i] ^ 0x20);
            else
                p->buf[o++] = p->buf[i];
        }
        p->len = o;
        p->buf[o] = '\0';
        return RSP_PACKET;
    }
    }
}

size_t rsp_frame(const char *payload, size_t len, char *out, size_t outlen)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    uint8_t sum = 0;
    if (outlen < 4)
        return 0;
    out[o++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)payload[i];
        int esc = c == '$' || c == '#' || c == '}' || c == '*';
        if (o + (esc ? 2 : 1) + 3 > outlen)
            return 0;
        if (esc) {
            out[o++] = '}';
            sum = (uint8_t)(sum + '}');
            c ^= 0x20;
        }
        out[o++] = (char)c;
        sum = (uint8_t)(sum + c);
    }
    out[o++] = '#';
    out[o++] = digits[sum >> 4];
    out[o++] = digits[sum & 15];
    return o;
}

void rsp_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int rsp_unhex(const char *s, size_t slen, uint8_t *out, size_t max)
{
    if (slen % 2 != 0)
        return -1;
    size_t n = slen / 2;
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (int)n;
}

int rsp_hexnum(const char **s, uint64_t *v)
{
    const char *p = *s;
    uint64_t x = 0;
    int n = 0;
    for (int h; (h = hexval(*p)) >= 0; p++, n++) {
        if (x >> 60)
            return -1;
        x = x << 4 | (uint64_t)h;
    }
    if (n == 0)
        return -1;
    *s = p;
    *v = x;
    return 0;
}
