/* From a kernel file to a booted VM: reading the file, choosing the arch, loading, boot state. */
#ifndef SOFTKVM_KERNEL_H
#define SOFTKVM_KERNEL_H

#include "softkvm/vm.h"

/* Read a whole kernel file into a new buffer (free() it). Returns 0, or with one line in err:
 * -ENOENT / -EACCES / -EISDIR (cannot open or not a regular file), -EFBIG (over 2 GiB), -EIO
 * (read failed), -ENOMEM. */
int kernel_read_file(const char *path, uint8_t **buf, uint64_t *len, char *err, size_t errlen);

/* Create a VM for the ELF kernel in buf: the arch from its header, the segments checked against
 * RAM and the arch's boot area, loaded, and the boot state set. Returns 0 with *out, or with one
 * line in err: -ENOEXEC (not a usable ELF, unsupported machine, bad layout), -ENOMEM (guest RAM
 * too large for the host), -EIO (the trace file cannot be created), -EINVAL (an option the arch
 * cannot honour), others (engine/backend). */
int kernel_boot_vm(struct vm **out, const struct vm_config *cfg, const uint8_t *buf, uint64_t len,
                   char *err, size_t errlen);

#endif
