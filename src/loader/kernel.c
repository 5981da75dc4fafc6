/* From a kernel file to a booted VM: reading the file, choosing the arch, loading, boot state. */
#include "softkvm/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "softkvm/arch.h"
#include "softkvm/board.h"
#include "softkvm/elf.h"

#define MAX_KERNEL_BYTES (1ULL << 31)

int kernel_read_file(const char *path, uint8_t **buf, uint64_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        snprintf(err, errlen, "cannot open kernel %s: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        snprintf(err, errlen, "kernel %s is not a regular file", path);
        return -EISDIR;
    }
    if ((uint64_t)st.st_size > MAX_KERNEL_BYTES) {
        fclose(f);
        snprintf(err, errlen, "kernel %s is larger than 2 GiB", path);
        return -EFBIG;
    }
    *len = (uint64_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (*buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of host memory reading the kernel");
        return -ENOMEM;
    }
    if (*len > 0 && fread(*buf, 1, *len, f) != *len) {
        fclose(f);
        free(*buf);
        *buf = NULL;
        snprintf(err, errlen, "cannot read kernel %s", path);
        return -EIO;
    }
    fclose(f);
    return 0;
}

static void unsupported(const struct elf_image *img, char *err, size_t errlen)
{
    const char *name = elf_machine_name(img->machine);
    char known[128] = "";
    for (unsigned k = 0; softkvm_arches[k] != NULL; k++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof(known) - used, "%s%s", k ? ", " : "",
                 softkvm_arches[k]->name);
    }
    snprintf(err, errlen,
             "ELF for %s%s(machine %u, %u-bit, %s-endian) is not supported; softkvm runs: %s",
             name ? name : "an unknown machine ", name ? " " : "", img->machine,
             img->elf_class == 2 ? 64 : 32, img->data == 2 ? "big" : "little", known);
}

int kernel_boot_vm(struct vm **out, const struct vm_config *cfg, const uint8_t *buf, uint64_t len,
                   char *err, size_t errlen)
{
    *out = NULL;
    struct elf_image img;
    if (elf_parse(buf, len, &img, err, errlen) != 0)
        return -ENOEXEC;
    const struct arch_ops *arch = arch_for_elf(img.machine, img.elf_class, img.data);
    if (arch == NULL) {
        unsupported(&img, err, errlen);
        return -ENOEXEC;
    }
    /* Segments must lie in the board's low RAM and miss its boot area. */
    const struct board *board = vm_find_board(arch, cfg->board, err, errlen);
    struct region_list regions;
    if (board == NULL || board_layout(board, cfg->ram_mib << 20, &regions, err, errlen) != 0)
        return -EINVAL;
    uint64_t low_end = board->ram_start, fw_lo = 0, fw_hi = 0;
    for (unsigned i = 0; i < regions.n; i++) {
        const struct mem_region *r = &regions.r[i];
        if (r->kind == REGION_FIRMWARE) {
            fw_lo = r->base;
            fw_hi = r->base + r->size;
        }
        if ((r->kind == REGION_RAM || r->kind == REGION_FIRMWARE) && r->base == low_end)
            low_end = r->base + r->size;
    }
    if (elf_check_layout(&img, low_end, fw_lo, fw_hi, err, errlen) != 0)
        return -ENOEXEC;
    struct vm *vm;
    int rc = vm_create(&vm, arch, cfg, err, errlen);
    if (rc != 0)
        return rc;
    vm->entry = img.entry;
    vm->elf64 = img.elf_class == 2;
    rc = elf_load(&img, buf, &vm->mem);
    if (rc != 0)
        snprintf(err, errlen, "cannot load the kernel into guest RAM");
    else
        rc = vm_boot(vm, err, errlen);
    if (rc != 0) {
        vm_destroy(vm);
        return rc == -ENOEXEC ? -EINVAL : rc;
    }
    *out = vm;
    return 0;
}
