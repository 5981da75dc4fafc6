/* peer_compute: the same guest code under softkvm and under qemu-system-x86_64 -accel tcg, each
 * timed as a whole process (start to exit) in the same run, rounds alternating. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

/* Run argv[0] (looked up in PATH), collect its stdout+stderr into out; wall time in *ns. Returns
 * the exit status, or -1 when it could not be started or was killed by a signal. */
static int run_process(char *const argv[], char *out, size_t outlen, uint64_t *ns)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
    pid_t pid;
    uint64_t t0 = bench_now_ns();
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        snprintf(out, outlen, "cannot run %s: %s", argv[0], strerror(err));
        return -1;
    }
    size_t used = 0;
    for (;;) {
        char tmp[512];
        ssize_t n = read(fds[0], tmp, sizeof(tmp));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t k = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;
        memcpy(out + used, tmp, k);
        used += k;
    }
    out[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *ns = bench_now_ns() - t0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The guest's result line ("peer NAME result=..."), or NULL. */
static const char *result_line(const char *out)
{
    return strstr(out, "peer ");
}

static bool same_result(const char *a, const char *b)
{
    const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
    return ea != NULL && eb != NULL && ea - a == eb - b && memcmp(a, b, (size_t)(ea - a)) == 0;
}

int bench_peer(const struct bench_cfg *cfg)
{
    static const char *const workloads[] = {"sieve", "branchy", "memcopy"};
    const unsigned rounds = cfg->rounds > 3 ? 3 : 1; /* whole processes of seconds each */
    int rc = 0;
    for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        char elf64[512], mb32[512];
        const char *sfx = cfg->rounds > 3 ? "" : "_quick";
        snprintf(elf64, sizeof(elf64), "%s/peer/%s%s.elf64", SOFTKVM_GUEST_DIR, workloads[w], sfx);
        snprintf(mb32, sizeof(mb32), "%s/peer/%s%s.mb32", SOFTKVM_GUEST_DIR, workloads[w], sfx);
        char *const skvm_argv[] = {SOFTKVM_BINARY, "run", "-m", "256", elf64, NULL};
        char *const qemu_argv[] = {"qemu-system-x86_64",
                                   "-accel",
                                   "tcg",
                                   "-m",
                                   "256",
                                   "-display",
                                   "none",
                                   "-nodefaults",
                                   "-no-user-config",
                                   "-serial",
                                   "stdio",
                                   "-no-reboot",
                                   "-device",
                                   "isa-debug-exit,iobase=0xf4,iosize=0x04",
                                   "-kernel",
                                   mb32,
                                   NULL};
        double s_ms[BENCH_MAX_ROUNDS], q_ms[BENCH_MAX_ROUNDS];
        bool ok = true;
        for (unsigned r = 0; r < rounds && ok; r++) {
            static char s_out[4096], q_out[4096];
            uint64_t s_ns, q_ns;
            /* isa-debug-exit with 0: both end with status (0 << 1) | 1 = 1. */
            int s_st = run_process(skvm_argv, s_out, sizeof(s_out), &s_ns);
            int q_st = run_process(qemu_argv, q_out, sizeof(q_out), &q_ns);
            const char *sr = result_line(s_out), *qr = result_line(q_out);
            if (s_st != 1 || q_st != 1 || sr == NULL || qr == NULL || !same_result(sr, qr)) {
                fprintf(stderr,
                        "bench: peer %s: softkvm status %d output '%.200s'; qemu-system-x86_64 "
                        "status %d output '%.200s' (both must print the same result and exit "
                        "with 1; 'make setup' installs qemu-system-x86)\n",
                        workloads[w], s_st, s_out, q_st, q_out);
                ok = false;
                break;
            }
            s_ms[r] = (double)s_ns / 1e6;
            q_ms[r] = (double)q_ns / 1e6;
        }
        if (!ok) {
            rc = -1;
            continue;
        }
        double s = bench_median(s_ms, rounds), q = bench_median(q_ms, rounds);
        printf("peer_compute arch=x86_64 workload=%s softkvm_ms=%.0f qemu_tcg_ms=%.0f ratio=%.3f\n",
               workloads[w], s, q, s > 0 ? q / s : 0.0);
        fflush(stdout);
    }
    return rc;
}
