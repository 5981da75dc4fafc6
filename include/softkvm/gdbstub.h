/* The gdb remote stub: gdb's remote serial protocol on a TCP socket, every vCPU a thread. */
#ifndef SOFTKVM_GDBSTUB_H
#define SOFTKVM_GDBSTUB_H

#include <stddef.h>

#include "softkvm/types.h"

struct vm;
struct vm_outcome;
struct gdbstub;

/* Listen for gdb on host:port (host "127.0.0.1" unless the user names one; port 0 picks a free
 * one) and plug into vm's run loop as its debugger. wait: stop before the first guest
 * instruction until a client connects (-S). One client at a time; a client that goes away lets
 * the guest run on. Writes the address it listens on into listening (if not NULL). Returns 0 or
 * a negative errno with one line in err (-EADDRINUSE, -EINVAL for a bad host...). */
int gdbstub_open(struct gdbstub **out, struct vm *vm, const char *host, unsigned port, bool wait,
                 char *listening, size_t listenlen, char *err, size_t errlen);

/* Tell a connected client how the run ended (W/X packet), stop listening, release the stub and
 * unplug it from the VM (before vm_destroy). Safe on NULL. */
void gdbstub_close(struct gdbstub *s, const struct vm_outcome *out, int status);

/* Parse "tcp:[HOST]:PORT" into host (default 127.0.0.1) and port. Returns 0 or -1 with one line
 * in err. */
int gdbstub_parse_address(const char *spec, char *host, size_t hostlen, unsigned *port, char *err,
                          size_t errlen);

#endif
