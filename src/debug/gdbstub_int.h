/* The gdb stub's state shared by its parts (socket and hook, commands, break/watchpoints). */
#ifndef SOFTKVM_DEBUG_GDBSTUB_INT_H
#define SOFTKVM_DEBUG_GDBSTUB_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <unicorn/unicorn.h>

#include "debug/gdb_rsp.h"
#include "softkvm/vm.h"

enum stop_kind {
    STOP_NONE = 0,
    STOP_SWBREAK,   /* Z0 */
    STOP_HWBREAK,   /* Z1 */
    STOP_WATCH,     /* Z2 */
    STOP_RWATCH,    /* Z3 */
    STOP_AWATCH,    /* Z4 */
    STOP_STEP,      /* a single step ended */
    STOP_INTERRUPT, /* Ctrl-C */
    STOP_ATTACH,    /* a new client (-S, or one that connected while the guest ran) */
};

#define GDB_MAX_POINTS 64

struct gdb_point {
    struct gdbstub *stub;
    bool used;
    int type; /* Z type 0-4 */
    uint64_t addr, len;
    uc_hook hook;
};

struct gdbstub {
    struct vm *vm;
    struct vm_debugger dbg;
    int lfd, cfd; /* cfd: -1 without a client; changed by the helper only while running */
    pthread_t thread;
    pthread_mutex_t mu; /* guards running, cfd changes, pending */
    bool running;       /* the guest runs: the helper may read the socket */
    bool fresh;         /* a client just connected: it asks '?' itself */
    uint8_t pending[4096];
    size_t npending;
    atomic_bool stop_req, quit, gone;
    /* Run-loop thread only: */
    bool wait_first;
    struct rsp_parser parser;
    unsigned gthread, cthread; /* vCPU index for registers/memory ('Hg') and resumption ('Hc') */
    bool phys;                 /* memory packets take guest-physical addresses */
    enum stop_kind stop_kind;
    unsigned stop_vcpu;
    uint64_t stop_addr;
    bool step_on;
    unsigned step_seen; /* instructions the step hook saw */
    uc_hook step_hook;
    struct gdb_point points[GDB_MAX_POINTS];
};

/* Send one packet. */
void gdb_send(struct gdbstub *s, const char *payload);

/* Read the next good packet (acked); returns its length with *pkt pointing at it (valid until the
 * next read), or -1 when the client went away. */
int gdb_read_packet(struct gdbstub *s, char **pkt);

/* Send the stop reply for s->stop_kind / stop_vcpu / stop_addr. */
void gdb_send_stop(struct gdbstub *s);

/* Answer packets until the guest is to go on (continue, step, detach) or the client left. */
void gdb_serve(struct gdbstub *s);

/* Insert / remove a Z point of type 0-4. Return 0, or -1 (no room, engine refused, bad type). */
int gdb_point_insert(struct gdbstub *s, int type, uint64_t addr, uint64_t len);
int gdb_point_remove(struct gdbstub *s, int type, uint64_t addr, uint64_t len);

/* Single step of v: a per-instruction hook stops the engine after one instruction. Returns 0 or
 * -1 (the engine refused the hook). gdb_step_end removes it (safe when off). */
int gdb_step_begin(struct gdbstub *s, struct vcpu *v);
void gdb_step_end(struct gdbstub *s);

/* Remove every point (the client left or detached). */
void gdb_points_clear(struct gdbstub *s);

#endif
