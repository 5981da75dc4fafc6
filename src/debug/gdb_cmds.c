/* The gdb stub's packets: threads, registers, memory, target description, points, resumption,
 * and the monitor commands. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdbstub_int.h"
#include "softkvm/arch.h"
#include "softkvm/cpu_access.h"
#include "softkvm/gmem.h"
#include "softkvm/stats.h"

#define PAGE 4096ULL

void gdb_send_stop(struct gdbstub *s)
{
    char buf[96];
    static const char *const why[] = {
        [STOP_SWBREAK] = "swbreak:;", [STOP_HWBREAK] = "hwbreak:;", [STOP_WATCH] = "watch",
        [STOP_RWATCH] = "rwatch",     [STOP_AWATCH] = "awatch",
    };
    unsigned sig = s->stop_kind == STOP_INTERRUPT ? 2 : 5; /* SIGINT, SIGTRAP */
    int n = snprintf(buf, sizeof(buf), "T%02xthread:%x;", sig, s->stop_vcpu + 1);
    if (s->stop_kind == STOP_SWBREAK || s->stop_kind == STOP_HWBREAK)
        snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", why[s->stop_kind]);
    else if (s->stop_kind >= STOP_WATCH && s->stop_kind <= STOP_AWATCH)
        snprintf(buf + n, sizeof(buf) - (size_t)n, "%s:%" PRIx64 ";", why[s->stop_kind],
                 s->stop_addr);
    gdb_send(s, buf);
}

/* gdb thread id (1-based; 0 or -1 any) into a vCPU index; -1 if there is no such vCPU. */
static int thread_of(struct gdbstub *s, const char *p, unsigned dflt)
{
    if (strcmp(p, "-1") == 0 || strcmp(p, "0") == 0 || *p == '\0')
        return (int)dflt;
    uint64_t t;
    if (rsp_hexnum(&p, &t) != 0 || t == 0 || t > s->vm->ncpus)
        return -1;
    return (int)(t - 1);
}

static struct vcpu *gcpu(struct gdbstub *s)
{
    return &s->vm->vcpus[s->gthread];
}

/* ---- target description ---- */

static char *tdesc(const struct arch_ops *a)
{
    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    if (f == NULL)
        return NULL;
    fprintf(f,
            "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
            "<target version=\"1.0\"><architecture>%s</architecture>",
            a->gdb_arch);
    const char *feat = NULL;
    for (unsigned i = 0; i < a->nregs; i++) {
        const struct arch_reg *r = &a->regs[i];
        if (feat == NULL || strcmp(feat, r->feature) != 0) {
            if (feat != NULL)
                fputs("</feature>", f);
            feat = r->feature;
            fprintf(f, "<feature name=\"%s\">", feat);
            for (const struct arch_tdesc_types *t = a->gdb_types; t != NULL && t->feature != NULL;
                 t++)
                if (strcmp(t->feature, feat) == 0)
                    fputs(t->xml, f);
        }
        fprintf(f, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"", r->name, r->bits,
                r->type, i);
        if (r->group != NULL)
            fprintf(f, " group=\"%s\"", r->group);
        fputs("/>", f);
    }
    if (feat != NULL)
        fputs("</feature>", f);
    fputs("</target>", f);
    fclose(f);
    return xml;
}

static void xfer_features(struct gdbstub *s, const char *args)
{
    /* args: "target.xml:OFF,LEN" */
    const char *colon = strchr(args, ':');
    uint64_t off, len;
    const char *p = colon != NULL ? colon + 1 : NULL;
    if (p == NULL || strncmp(args, "target.xml:", 11) != 0) {
        gdb_send(s, "E00");
        return;
    }
    if (rsp_hexnum(&p, &off) != 0 || *p++ != ',' || rsp_hexnum(&p, &len) != 0) {
        gdb_send(s, "E01");
        return;
    }
    char *xml = tdesc(s->vm->arch);
    if (xml == NULL) {
        gdb_send(s, "E02");
        return;
    }
    size_t total = strlen(xml);
    if (len > RSP_MAX_PACKET / 2)
        len = RSP_MAX_PACKET / 2;
    if (off >= total) {
        gdb_send(s, "l");
    } else {
        size_t n = total - off < len ? total - off : len;
        char *reply = malloc(n + 2);
        if (reply != NULL) {
            reply[0] = off + n < total ? 'm' : 'l';
            memcpy(reply + 1, xml + off, n);
            reply[n + 1] = '\0';
            gdb_send(s, reply);
            free(reply);
        }
    }
    free(xml);
}

/* ---- registers ---- */

static void read_all_regs(struct gdbstub *s)
{
    const struct arch_ops *a = s->vm->arch;
    size_t cap = 1;
    for (unsigned i = 0; i < a->nregs; i++)
        cap += a->regs[i].bits / 4;
    char *out = malloc(cap);
    if (out == NULL) {
        gdb_send(s, "E0c");
        return;
    }
    size_t o = 0;
    for (unsigned i = 0; i < a->nregs; i++) {
        uint8_t buf[16] = {0};
        int n = vcpu_reg_read(gcpu(s), i, buf);
        if (n < 0)
            n = a->regs[i].bits / 8;
        rsp_hex(buf, (size_t)n, out + o);
        o += 2 * (size_t)n;
    }
    out[o] = '\0';
    gdb_send(s, out);
    free(out);
}

static void write_all_regs(struct gdbstub *s, const char *hex)
{
    const struct arch_ops *a = s->vm->arch;
    size_t len = strlen(hex), o = 0;
    for (unsigned i = 0; i < a->nregs; i++) {
        size_t n = a->regs[i].bits / 8;
        uint8_t buf[16];
        if (o + 2 * n > len)
            break;
        if (rsp_unhex(hex + o, 2 * n, buf, sizeof(buf)) != (int)n) {
            gdb_send(s, "E01");
            return;
        }
        vcpu_reg_write(gcpu(s), i, buf);
        o += 2 * n;
    }
    gdb_send(s, "OK");
}

static void read_reg(struct gdbstub *s, const char *p)
{
    uint64_t r;
    uint8_t buf[16];
    char hex[33];
    if (rsp_hexnum(&p, &r) != 0 || r >= s->vm->arch->nregs) {
        gdb_send(s, "E00");
        return;
    }
    int n = vcpu_reg_read(gcpu(s), (unsigned)r, buf);
    if (n < 0) {
        gdb_send(s, "E01");
        return;
    }
    rsp_hex(buf, (size_t)n, hex);
    gdb_send(s, hex);
}

static void write_reg(struct gdbstub *s, const char *p)
{
    uint64_t r;
    uint8_t buf[16];
    if (rsp_hexnum(&p, &r) != 0 || *p++ != '=' || r >= s->vm->arch->nregs) {
        gdb_send(s, "E00");
        return;
    }
    size_t n = s->vm->arch->regs[r].bits / 8;
    if (rsp_unhex(p, strlen(p), buf, sizeof(buf)) != (int)n ||
        vcpu_reg_write(gcpu(s), (unsigned)r, buf) != 0) {
        gdb_send(s, "E01");
        return;
    }
    gdb_send(s, "OK");
}

/* ---- memory ---- */

/* Copy len bytes at gdb address addr (virtual through the g thread's MMU, or physical in phys
 * mode), page by page. Returns the bytes done before the first that cannot be reached. */
static size_t mem_access(struct gdbstub *s, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
    size_t done = 0;
    while (done < len) {
        uint64_t va = addr + done, pa = va;
        size_t chunk = (size_t)(PAGE - (va & (PAGE - 1)));
        if (chunk > len - done)
            chunk = len - done;
        if (!s->phys && vcpu_translate(gcpu(s), va, &pa) != 0)
            break;
        int rc = write ? gmem_write(&s->vm->mem, pa, buf + done, chunk)
                       : gmem_read(&s->vm->mem, pa, buf + done, chunk);
        if (rc != 0)
            break;
        done += chunk;
    }
    if (write && done > 0)
        uc_ctl_remove_cache(s->vm->uc, addr, addr + done); /* code the debugger changed */
    return done;
}

static void read_mem(struct gdbstub *s, const char *p)
{
    uint64_t addr, len;
    if (rsp_hexnum(&p, &addr) != 0 || *p++ != ',' || rsp_hexnum(&p, &len) != 0) {
        gdb_send(s, "E01");
        return;
    }
    if (len > RSP_MAX_PACKET / 2)
        len = RSP_MAX_PACKET / 2;
    uint8_t *buf = malloc(len + 1);
    char *hex = malloc(2 * len + 1);
    if (buf != NULL && hex != NULL) {
        size_t n = mem_access(s, addr, buf, (size_t)len, false);
        if (n == 0 && len > 0) {
            gdb_send(s, "E0e"); /* EFAULT */
        } else {
            rsp_hex(buf, n, hex);
            gdb_send(s, hex);
        }
    }
    free(buf);
    free(hex);
}

static void write_mem(struct gdbstub *s, const char *p)
{
    uint64_t addr, len;
    if (rsp_hexnum(&p, &addr) != 0 || *p++ != ',' || rsp_hexnum(&p, &len) != 0 || *p++ != ':' ||
        len > RSP_MAX_PACKET / 2 || strlen(p) != 2 * len) {
        gdb_send(s, "E01");
        return;
    }
    uint8_t *buf = malloc(len + 1);
    if (buf == NULL || rsp_unhex(p, 2 * len, buf, len) != (int)len) {
        free(buf);
        gdb_send(s, "E01");
        return;
    }
    size_t n = mem_access(s, addr, buf, (size_t)len, true);
    free(buf);
    gdb_send(s, n == len ? "OK" : "E0e");
}

/* ---- monitor ---- */

static void console_out(struct gdbstub *s, const char *text)
{
    size_t n = strlen(text);
    for (size_t off = 0; off < n; off += 512) {
        size_t c = n - off < 512 ? n - off : 512;
        char hex[1 + 2 * 512 + 1];
        hex[0] = 'O';
        rsp_hex((const uint8_t *)text + off, c, hex + 1);
        gdb_send(s, hex);
    }
}

static void monitor(struct gdbstub *s, const char *hexcmd)
{
    char cmd[256] = {0};
    size_t hl = strlen(hexcmd);
    if (hl / 2 >= sizeof(cmd) || rsp_unhex(hexcmd, hl, (uint8_t *)cmd, sizeof(cmd) - 1) < 0) {
        gdb_send(s, "E01");
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        gdb_send(s, "E0c");
        return;
    }
    if (strcmp(cmd, "stats") == 0) {
        stats_summary(s->vm, f);
        stats_print(s->vm, f);
    } else if (strcmp(cmd, "phys") == 0 || strcmp(cmd, "phys on") == 0) {
        s->phys = true;
        fputs("memory accesses use guest-physical addresses\n", f);
    } else if (strcmp(cmd, "phys off") == 0 || strcmp(cmd, "virt") == 0) {
        s->phys = false;
        fputs("memory accesses use virtual addresses (the selected vCPU's MMU)\n", f);
    } else {
        fprintf(f, "%s: unknown monitor command; known: stats, phys [on|off], virt\n", cmd);
    }
    fclose(f);
    console_out(s, text);
    free(text);
    gdb_send(s, "OK");
}

/* ---- points and resumption ---- */

static void point(struct gdbstub *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    if (rsp_hexnum(&p, &type) != 0 || *p++ != ',' || rsp_hexnum(&p, &addr) != 0 || *p++ != ',' ||
        rsp_hexnum(&p, &kind) != 0 || type > 4) {
        gdb_send(s, "");
        return;
    }
    int rc = insert ? gdb_point_insert(s, (int)type, addr, kind)
                    : gdb_point_remove(s, (int)type, addr, kind);
    gdb_send(s, rc == 0 ? "OK" : "E01");
}

/* Step vCPU index cpu: the run loop runs it alone for one instruction. */
static void start_step(struct gdbstub *s, unsigned cpu)
{
    if (gdb_step_begin(s, &s->vm->vcpus[cpu]) != 0)
        s->stop_kind = STOP_STEP; /* cannot step: report at once */
}

/* vCont;ACTION[:TID];... Returns true when the guest is to go on. */
static bool vcont(struct gdbstub *s, const char *p)
{
    int step = -1;
    while (*p == ';') {
        p++;
        char act = *p++;
        if (act == 'C' || act == 'S')
            while (*p != ':' && *p != ';' && *p != '\0')
                p++; /* the signal number: guests have none to take */
        int cpu = (int)s->cthread;
        if (*p == ':') {
            p++;
            char tid[24] = {0};
            size_t n = 0;
            while (*p != ';' && *p != '\0' && n + 1 < sizeof(tid))
                tid[n++] = *p++;
            cpu = thread_of(s, tid, s->cthread);
        }
        if ((act == 's' || act == 'S') && step < 0 && cpu >= 0)
            step = cpu;
        else if (act != 'c' && act != 'C' && act != 's' && act != 'S') {
            gdb_send(s, "E01");
            return false;
        }
    }
    if (step >= 0)
        start_step(s, (unsigned)step);
    return true;
}

static void thread_info(struct gdbstub *s)
{
    char buf[8 + 12 * 64];
    size_t o = 0;
    buf[o++] = 'm';
    for (unsigned i = 0; i < s->vm->ncpus && o + 12 < sizeof(buf); i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%x", i ? "," : "", i + 1);
    buf[o] = '\0';
    gdb_send(s, buf);
}

static void thread_extra(struct gdbstub *s, const char *p)
{
    int cpu = thread_of(s, p, s->gthread);
    if (cpu < 0) {
        gdb_send(s, "E01");
        return;
    }
    static const char *const states[] = {"running", "halted", "waiting for startup"};
    char text[64], hex[129];
    struct vcpu *v = &s->vm->vcpus[cpu];
    snprintf(text, sizeof(text), "vCPU %u (%s)", v->id, states[v->state]);
    rsp_hex((const uint8_t *)text, strlen(text), hex);
    gdb_send(s, hex);
}

static bool query(struct gdbstub *s, const char *p)
{
    if (strncmp(p, "qSupported", 10) == 0) {
        char buf[160];
        snprintf(buf, sizeof(buf),
                 "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+",
                 RSP_MAX_PACKET);
        gdb_send(s, buf);
    } else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
        xfer_features(s, p + 20);
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        thread_info(s);
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        gdb_send(s, "l");
    } else if (strcmp(p, "qC") == 0) {
        char buf[24];
        snprintf(buf, sizeof(buf), "QC%x", s->gthread + 1);
        gdb_send(s, buf);
    } else if (strncmp(p, "qAttached", 9) == 0) {
        gdb_send(s, "1");
    } else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
        thread_extra(s, p + 17);
    } else if (strncmp(p, "qRcmd,", 6) == 0) {
        monitor(s, p + 6);
    } else if (strncmp(p, "qSymbol", 7) == 0) {
        gdb_send(s, "OK");
    } else {
        return false;
    }
    return true;
}

void gdb_serve(struct gdbstub *s)
{
    char *pkt;
    while (gdb_read_packet(s, &pkt) >= 0) {
        char c = pkt[0];
        const char *arg = pkt + 1;
        switch (c) {
        case '?':
            gdb_send_stop(s);
            break;
        case 'g':
            read_all_regs(s);
            break;
        case 'G':
            write_all_regs(s, arg);
            break;
        case 'p':
            read_reg(s, arg);
            break;
        case 'P':
            write_reg(s, arg);
            break;
        case 'm':
            read_mem(s, arg);
            break;
        case 'M':
            write_mem(s, arg);
            break;
        case 'H': {
            int cpu = thread_of(s, arg + 1, *arg == 'g' ? s->gthread : s->cthread);
            if (cpu < 0 || (*arg != 'g' && *arg != 'c')) {
                gdb_send(s, "E01");
                break;
            }
            if (*arg == 'g')
                s->gthread = (unsigned)cpu;
            else
                s->cthread = (unsigned)cpu;
            gdb_send(s, "OK");
            break;
        }
        case 'T':
            gdb_send(s, thread_of(s, arg, 0) >= 0 ? "OK" : "E01");
            break;
        case 'Z':
        case 'z':
            point(s, arg, c == 'Z');
            break;
        case 'c':
            return;
        case 's':
            start_step(s, s->cthread);
            return;
        case 'v':
            if (strcmp(pkt, "vCont?") == 0) {
                gdb_send(s, "vCont;c;C;s;S");
            } else if (strncmp(pkt, "vCont", 5) == 0) {
                if (vcont(s, pkt + 5))
                    return;
            } else {
                gdb_send(s, "");
            }
            break;
        case 'D':
            gdb_points_clear(s);
            gdb_send(s, "OK");
            atomic_store(&s->gone, true);
            return;
        case 'k':
            vm_stop(s->vm, OUTCOME_KILLED, 0, "killed by the debugger");
            atomic_store(&s->gone, true);
            return;
        case 'q':
            if (!query(s, pkt))
                gdb_send(s, "");
            break;
        default:
            gdb_send(s, ""); /* not supported: gdb falls back or tells the user */
            break;
        }
    }
}
