/* The stop watcher: a thread that waits for SIGINT/SIGTERM or the --timeout and stops the VM.
 * A thread rather than a signal handler: vm_request_stop (uc_emu_stop) is not
 * async-signal-safe, and the engine must be stopped again if it was between two starts. */
#include "cli/watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAKE_SIGNAL SIGUSR2 /* cli_watch_end's wake-up of the watcher */
#define TICK_NS     10000000L

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *watch_main(void *arg)
{
    struct cli_watch *w = arg;
    uint64_t deadline = w->timeout_s != 0 ? now_ns() + w->timeout_s * 1000000000ULL : UINT64_MAX;
    int code = 0;
    while (!atomic_load(&w->done)) {
        struct timespec tick = {0, TICK_NS};
        int sig = sigtimedwait(&w->signals, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            if (code != 0) {
                /* The second one: the user does not want to wait for the next exit. */
                static const char msg[] = "softkvm: second signal: exiting at once\n";
                ssize_t n = write(2, msg, sizeof(msg) - 1);
                (void)n;
                _exit(128 + sig);
            }
            code = sig;
        } else if (code == 0 && now_ns() >= deadline) {
            code = CLI_STOP_TIMEOUT;
        }
        if (code != 0 && !atomic_load(&w->done))
            vm_request_stop(w->vm, code); /* again each tick: the engine may have restarted */
    }
    return NULL;
}

int cli_watch_init(struct cli_watch *w)
{
    memset(w, 0, sizeof(*w));
    atomic_init(&w->done, false);
    sigemptyset(&w->signals);
    sigaddset(&w->signals, SIGINT);
    sigaddset(&w->signals, SIGTERM);
    sigaddset(&w->signals, WAKE_SIGNAL);
    return -pthread_sigmask(SIG_BLOCK, &w->signals, &w->old_mask);
}

int cli_watch_begin(struct cli_watch *w, struct vm *vm, unsigned timeout_s)
{
    w->vm = vm;
    w->timeout_s = timeout_s;
    int rc = pthread_create(&w->thread, NULL, watch_main, w);
    if (rc != 0)
        return -rc;
    w->started = true;
    return 0;
}

void cli_watch_end(struct cli_watch *w)
{
    if (w->started) {
        atomic_store(&w->done, true);
        pthread_kill(w->thread, WAKE_SIGNAL);
        pthread_join(w->thread, NULL);
        w->started = false;
    }
    /* Drop our own wake-up if the watcher had already left its wait. */
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, WAKE_SIGNAL);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&wake, NULL, &zero) == WAKE_SIGNAL)
        ;
    pthread_sigmask(SIG_SETMASK, &w->old_mask, NULL);
}
