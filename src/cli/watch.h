/* The stop watcher of a run: SIGINT/SIGTERM and --timeout turned into vm_request_stop. */
#ifndef SOFTKVM_CLI_WATCH_H
#define SOFTKVM_CLI_WATCH_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "softkvm/vm.h"

/* vm_request_stop codes the watcher uses: the signal number, or this one for the timeout. */
#define CLI_STOP_TIMEOUT 1000

struct cli_watch {
    pthread_t thread;
    struct vm *vm;
    unsigned timeout_s; /* 0: none */
    sigset_t signals;   /* SIGINT, SIGTERM and the watcher's own wake-up signal */
    sigset_t old_mask;  /* the caller's mask, restored by cli_watch_end */
    atomic_bool done;   /* vm_run returned: the watcher ends */
    bool started;       /* the thread runs */
};

/* Block SIGINT and SIGTERM in the calling thread and so in the threads it starts: call it before
 * anything starts a thread. A signal that comes before cli_watch_begin waits for the watcher
 * (the run then stops at its first exit). Returns 0 or a negative errno. */
int cli_watch_init(struct cli_watch *w);

/* Start the watcher thread for vm (after cli_watch_init): the first SIGINT/SIGTERM or the timeout
 * (seconds of host time, 0: none) asks the VM to stop (code: the signal number or
 * CLI_STOP_TIMEOUT), repeated every 10 ms until cli_watch_end; a SIGINT or SIGTERM after that first
 * one ends the process at once with status 128 + signal. Returns 0 or a negative errno (nothing is
 * left started). */
int cli_watch_begin(struct cli_watch *w, struct vm *vm, unsigned timeout_s);

/* Stop and join the watcher (if started), restore the signal mask (a signal that arrived after
 * vm_run returned stays pending and acts when unblocked). */
void cli_watch_end(struct cli_watch *w);

#endif
