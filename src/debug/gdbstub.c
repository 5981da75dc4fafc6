/* The gdb stub: a listening socket, a helper thread that notices Ctrl-C while the guest runs, and
 * the conversation with gdb held from the run loop's exit hook while every vCPU is stopped. */
#include "softkvm/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "debug/gdb_rsp.h"
#include "debug/gdbstub_int.h"
#include "softkvm/arch.h"
#include "softkvm/clock.h"
#include "softkvm/cpu_access.h"
#include "softkvm/gdbstub.h"
#include "softkvm/stats.h"
#include "softkvm/vm.h"

int gdbstub_parse_address(const char *spec, char *host, size_t hostlen, unsigned *port, char *err,
                          size_t errlen)
{
    const char *colon = spec != NULL ? strrchr(spec, ':') : NULL;
    if (spec == NULL || strncmp(spec, "tcp:", 4) != 0 || colon == NULL || colon < spec + 3) {
        snprintf(err, errlen, "--gdb takes tcp:[HOST]:PORT, e.g. --gdb tcp::1234");
        return -1;
    }
    size_t hl = (size_t)(colon - (spec + 4));
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || p > 65535 || hl >= hostlen) {
        snprintf(err, errlen, "--gdb %s: the port must be a number from 0 to 65535", spec);
        return -1;
    }
    if (hl == 0)
        snprintf(host, hostlen, "127.0.0.1");
    else
        snprintf(host, hostlen, "%.*s", (int)hl, spec + 4);
    *port = (unsigned)p;
    return 0;
}

/* ---- the socket side ---- */

static void send_raw(struct gdbstub *s, const char *buf, size_t n)
{
    while (n > 0 && s->cfd >= 0) {
        ssize_t w = send(s->cfd, buf, n, MSG_NOSIGNAL);
        if (w <= 0) {
            atomic_store(&s->gone, true);
            return;
        }
        buf += w;
        n -= (size_t)w;
    }
}

void gdb_send(struct gdbstub *s, const char *payload)
{
    size_t n = strlen(payload);
    size_t cap = 2 * n + 8;
    char *f = malloc(cap);
    if (f == NULL)
        return;
    size_t len = rsp_frame(payload, n, f, cap);
    send_raw(s, f, len);
    free(f);
}

/* Next byte from the client while the guest is stopped: what the helper read first. Returns
 * -1 when the client went away. */
static int next_byte(struct gdbstub *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->npending > 0) {
        int c = s->pending[0];
        memmove(s->pending, s->pending + 1, --s->npending);
        pthread_mutex_unlock(&s->mu);
        return c;
    }
    pthread_mutex_unlock(&s->mu);
    if (atomic_load(&s->gone) || s->cfd < 0)
        return -1;
    uint8_t c;
    ssize_t r = recv(s->cfd, &c, 1, 0);
    if (r <= 0) {
        atomic_store(&s->gone, true);
        return -1;
    }
    return c;
}

static void take_client(struct gdbstub *s, int c);

/* The helper thread: accepts a client while the guest runs and watches it for Ctrl-C; either
 * asks the run loop to stop. It reads only while the guest runs (under mu). */
static void *helper(void *arg)
{
    struct gdbstub *s = arg;
    while (!atomic_load(&s->quit)) {
        pthread_mutex_lock(&s->mu);
        bool running = s->running;
        int fd = s->cfd >= 0 ? s->cfd : s->lfd;
        bool listening = s->cfd < 0;
        /* Under mu, as the run loop takes the request: no stop arrives after it was taken. */
        bool stopping = atomic_load(&s->stop_req);
        if (stopping)
            uc_emu_stop(s->vm->uc); /* again until the run loop takes the request */
        pthread_mutex_unlock(&s->mu);
        if (stopping) {
            usleep(2000);
            continue;
        }
        if (!running) {
            usleep(10000);
            continue;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        pthread_mutex_lock(&s->mu);
        if (s->running && listening && s->cfd < 0) {
            int c = accept(s->lfd, NULL, NULL);
            if (c >= 0) {
                take_client(s, c);
                atomic_store(&s->stop_req, true); /* gdb expects a stopped target */
            }
        } else if (s->running && !listening && s->cfd == fd) {
            uint8_t buf[256];
            ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                atomic_store(&s->gone, true);
                atomic_store(&s->stop_req, true); /* the run loop drops the client's points */
            }
            for (ssize_t i = 0; i < r; i++) {
                if (buf[i] == 0x03)
                    atomic_store(&s->stop_req, true);
                else if (s->npending < sizeof(s->pending))
                    s->pending[s->npending++] = buf[i];
            }
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

static void drop_client(struct gdbstub *s)
{
    gdb_points_clear(s);
    pthread_mutex_lock(&s->mu);
    if (s->cfd >= 0)
        close(s->cfd);
    s->cfd = -1;
    atomic_store(&s->gone, false);
    s->npending = 0;
    pthread_mutex_unlock(&s->mu);
    gdb_step_end(s);
    s->stop_kind = STOP_NONE;
}

/* ---- the exit hook ---- */

static bool interrupted(void *opaque)
{
    struct gdbstub *s = opaque;
    return atomic_load(&s->stop_req);
}

static void set_running(struct gdbstub *s, bool running)
{
    pthread_mutex_lock(&s->mu);
    s->running = running;
    pthread_mutex_unlock(&s->mu);
}

static void take_client(struct gdbstub *s, int c)
{
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    s->cfd = c;
    s->fresh = true;
}

static void at_exit_hook(struct vm *vm, struct vcpu *v, void *opaque)
{
    struct gdbstub *s = opaque;
    pthread_mutex_lock(&s->mu);
    s->running = false; /* the helper leaves the socket to this thread from here */
    bool req = atomic_exchange(&s->stop_req, false);
    pthread_mutex_unlock(&s->mu);
    if (vm->debug->step != NULL) {
        if (s->stop_kind == STOP_NONE) {
            s->stop_kind = STOP_STEP;
            s->stop_vcpu = vm->debug->step->id;
        }
        gdb_step_end(s);
    }
    if (atomic_load(&s->gone))
        drop_client(s);
    if (s->wait_first) {
        s->wait_first = false;
        int c = accept(s->lfd, NULL, NULL);
        if (c >= 0) {
            pthread_mutex_lock(&s->mu);
            take_client(s, c);
            pthread_mutex_unlock(&s->mu);
            req = true;
        }
    }
    if (s->cfd < 0 || (s->stop_kind == STOP_NONE && !req)) {
        s->stop_kind = STOP_NONE; /* a point's hit with no one to tell is forgotten */
        set_running(s, true);
        return;
    }
    if (s->stop_kind == STOP_NONE) {
        s->stop_kind = s->fresh ? STOP_ATTACH : STOP_INTERRUPT;
        s->stop_vcpu = v != NULL ? v->id : 0;
    }
    bool fresh = s->fresh;
    s->fresh = false;
    if (vm->running != NULL)
        vcpu_sync_pc(vm->running);
    s->gthread = s->cthread = s->stop_vcpu;
    if (!fresh)
        gdb_send_stop(s);
    gdb_serve(s); /* returns when the guest goes on, or the client left */
    if (atomic_load(&s->gone) || s->cfd < 0)
        drop_client(s);
    s->stop_kind = STOP_NONE;
    set_running(s, true);
}

int gdb_read_packet(struct gdbstub *s, char **pkt)
{
    for (;;) {
        int c = next_byte(s);
        if (c < 0)
            return -1;
        switch (rsp_feed(&s->parser, (uint8_t)c)) {
        case RSP_PACKET:
            send_raw(s, "+", 1);
            *pkt = s->parser.buf;
            return (int)s->parser.len;
        case RSP_BAD:
            send_raw(s, "-", 1);
            break;
        default:
            break; /* a Ctrl-C while stopped changes nothing */
        }
    }
}

int gdbstub_open(struct gdbstub **out, struct vm *vm, const char *host, unsigned port, bool wait,
                 char *listening, size_t listenlen, char *err, size_t errlen)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        snprintf(err, errlen, "--gdb: '%s' is not an IPv4 address (e.g. 127.0.0.1)", host);
        return -EINVAL;
    }
    struct gdbstub *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "out of host memory for the gdb stub");
        return -ENOMEM;
    }
    s->vm = vm;
    s->cfd = -1;
    s->wait_first = wait;
    rsp_init(&s->parser);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (s->lfd >= 0)
        setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 1) != 0) {
        int e = errno;
        snprintf(err, errlen, "--gdb: cannot listen on %s:%u: %s", host, port, strerror(e));
        if (s->lfd >= 0)
            close(s->lfd);
        free(s);
        return -e;
    }
    socklen_t al = sizeof(a);
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    if (listening != NULL)
        snprintf(listening, listenlen, "%s:%u", host, (unsigned)ntohs(a.sin_port));
    pthread_mutex_init(&s->mu, NULL);
    s->running = !wait;
    s->dbg.at_exit = at_exit_hook;
    s->dbg.interrupted = interrupted;
    s->dbg.opaque = s;
    if (pthread_create(&s->thread, NULL, helper, s) != 0) {
        close(s->lfd);
        pthread_mutex_destroy(&s->mu);
        free(s);
        snprintf(err, errlen, "--gdb: cannot start the stub's thread");
        return -EAGAIN;
    }
    vm->debug = &s->dbg;
    *out = s;
    return 0;
}

void gdbstub_close(struct gdbstub *s, const struct vm_outcome *out, int status)
{
    if (s == NULL)
        return;
    atomic_store(&s->quit, true);
    pthread_join(s->thread, NULL);
    if (s->cfd >= 0 && !atomic_load(&s->gone)) {
        char buf[16];
        if (out != NULL && out->kind == OUTCOME_GUEST_EXIT)
            snprintf(buf, sizeof(buf), "W%02x", status & 0xFF);
        else
            snprintf(buf, sizeof(buf), "X%02x", 9); /* ended otherwise: as if killed */
        gdb_send(s, buf);
    }
    gdb_points_clear(s);
    if (s->cfd >= 0)
        close(s->cfd);
    close(s->lfd);
    pthread_mutex_destroy(&s->mu);
    s->vm->debug = NULL;
    free(s);
}
