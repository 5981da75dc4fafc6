/* A parser for the flat JSON objects of softkvm's trace: numbers, strings, null, and arrays of
 * strings; the keys the report uses are kept, others skipped. */
#include "report/trace_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cur {
    const char *p;
};

static void ws(struct cur *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')
        c->p++;
}

/* A string into out (escapes other than \" and \\ are not written by softkvm: refused). */
static int str(struct cur *c, char *out, size_t outlen)
{
    if (*c->p != '"')
        return -1;
    c->p++;
    size_t n = 0;
    while (*c->p != '"') {
        char ch = *c->p;
        if (ch == '\0')
            return -1;
        if (ch == '\\') {
            c->p++;
            if (*c->p != '"' && *c->p != '\\')
                return -1;
            ch = *c->p;
        }
        if (n + 1 < outlen)
            out[n++] = ch;
        c->p++;
    }
    c->p++;
    if (outlen > 0)
        out[n] = '\0';
    return 0;
}

static int num(struct cur *c, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(c->p, &end, 10);
    if (end == c->p || errno != 0)
        return -1;
    c->p = end;
    *v = x;
    return 0;
}

static int unum(struct cur *c, uint64_t *v)
{
    char *end;
    if (*c->p == '-')
        return -1;
    errno = 0;
    unsigned long long x = strtoull(c->p, &end, 10);
    if (end == c->p || errno != 0)
        return -1;
    c->p = end;
    *v = x;
    return 0;
}

/* "0x..." string into a number. */
static int hexstr(struct cur *c, uint64_t *v)
{
    char buf[32];
    if (str(c, buf, sizeof(buf)) != 0 || strncmp(buf, "0x", 2) != 0)
        return -1;
    char *end;
    errno = 0;
    *v = strtoull(buf + 2, &end, 16);
    return (end == buf + 2 || *end != '\0' || errno != 0) ? -1 : 0;
}

static int skip_value(struct cur *c)
{
    char junk[256];
    int64_t n;
    if (*c->p == '"')
        return str(c, junk, sizeof(junk));
    if (strncmp(c->p, "null", 4) == 0) {
        c->p += 4;
        return 0;
    }
    if (*c->p == '[') {
        c->p++;
        ws(c);
        while (*c->p != ']') {
            if (skip_value(c) != 0)
                return -1;
            ws(c);
            if (*c->p == ',')
                c->p++;
            else if (*c->p != ']')
                return -1;
            ws(c);
        }
        c->p++;
        return 0;
    }
    return num(c, &n);
}

static int args(struct cur *c, struct trec *r)
{
    if (*c->p != '[')
        return -1;
    c->p++;
    ws(c);
    while (*c->p != ']') {
        uint64_t v;
        if (hexstr(c, &v) != 0)
            return -1;
        if (r->nargs < TREC_MAX_ARGS)
            r->args[r->nargs++] = v;
        ws(c);
        if (*c->p == ',')
            c->p++;
        else if (*c->p != ']')
            return -1;
        ws(c);
    }
    c->p++;
    return 0;
}

int trec_parse(const char *line, struct trec *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->by = -1;
    struct cur c = {line};
    bool have_seq = false, have_vcpu = false, have_exit = false, have_vt = false;
    ws(&c);
    if (*c.p != '{') {
        snprintf(err, errlen, "not a JSON object");
        return -1;
    }
    c.p++;
    ws(&c);
    while (*c.p != '}') {
        char key[32];
        if (str(&c, key, sizeof(key)) != 0) {
            snprintf(err, errlen, "bad key");
            return -1;
        }
        ws(&c);
        if (*c.p++ != ':') {
            snprintf(err, errlen, "no ':' after \"%s\"", key);
            return -1;
        }
        ws(&c);
        int rc;
        uint64_t u;
        int64_t s = 0;
        if (strcmp(key, "seq") == 0) {
            rc = unum(&c, &r->seq);
            have_seq = true;
        } else if (strcmp(key, "vcpu") == 0) {
            rc = unum(&c, &u);
            r->vcpu = (unsigned)u;
            have_vcpu = rc == 0 && u < 4096;
        } else if (strcmp(key, "exit") == 0) {
            rc = str(&c, r->exit, sizeof(r->exit));
            have_exit = true;
        } else if (strcmp(key, "vt_ns") == 0) {
            rc = unum(&c, &r->vt_ns);
            have_vt = true;
        } else if (strcmp(key, "pc") == 0) {
            rc = hexstr(&c, &r->pc);
        } else if (strcmp(key, "ns") == 0) {
            rc = str(&c, r->ns, sizeof(r->ns));
        } else if (strcmp(key, "name") == 0 && *c.p == '"') {
            rc = str(&c, r->name, sizeof(r->name));
        } else if (strcmp(key, "nr") == 0) {
            rc = unum(&c, &r->nr);
        } else if (strcmp(key, "args") == 0) {
            rc = args(&c, r);
        } else if (strcmp(key, "ret") == 0) {
            rc = num(&c, &s);
            r->ret = s;
            r->has_ret = true;
        } else if (strcmp(key, "by") == 0) {
            rc = num(&c, &s);
            r->by = (s >= 0 && s < 4096) ? (int)s : -1;
        } else if (strcmp(key, "port") == 0) {
            rc = hexstr(&c, &r->port);
        } else if (strcmp(key, "addr") == 0) {
            rc = hexstr(&c, &r->addr);
        } else if (strcmp(key, "size") == 0) {
            rc = hexstr(&c, &r->size);
        } else if (strcmp(key, "value") == 0) {
            rc = hexstr(&c, &r->value);
        } else {
            rc = skip_value(&c);
        }
        if (rc != 0) {
            snprintf(err, errlen, "bad value of \"%s\"", key);
            return -1;
        }
        ws(&c);
        if (*c.p == ',') {
            c.p++;
            ws(&c);
        } else if (*c.p != '}') {
            snprintf(err, errlen, "expected ',' or '}' after \"%s\"", key);
            return -1;
        }
    }
    if (!have_seq || !have_vcpu || !have_exit || !have_vt) {
        snprintf(err, errlen,
                 "a record without seq, vcpu, exit and vt_ns (a trace of an older "
                 "softkvm, or not a softkvm trace)");
        return -1;
    }
    return 0;
}
