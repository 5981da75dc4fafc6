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
#include "softkvm/multiboot.h"

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

/* Every segment must lie inside one RAM region of the board: not in softkvm's boot area (a
 * firmware region), not in a hole, not past the end of RAM. */
static int check_regions(const struct elf_image *img, const struct region_list *regions,
                         uint64_t ram_mib, char *err, size_t errlen)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        for (unsigned j = 0; j < regions->n; j++) {
            const struct mem_region *r = &regions->r[j];
            if (r->kind == REGION_FIRMWARE && s->paddr < r->base + r->size &&
                r->base < s->paddr + s->memsz) {
                snprintf(err, errlen,
                         "ELF segment at 0x%llx overlaps softkvm's boot area 0x%llx-0x%llx; "
                         "link the kernel above 0x%llx",
                         (unsigned long long)s->paddr, (unsigned long long)r->base,
                         (unsigned long long)(r->base + r->size - 1),
                         (unsigned long long)(r->base + r->size));
                return -ERANGE;
            }
        }
        const struct mem_region *r = region_find(regions, s->paddr);
        if (r == NULL || r->kind != REGION_RAM || s->memsz > r->base + r->size - s->paddr) {
            snprintf(err, errlen,
                     "ELF segment at 0x%llx (0x%llx bytes) lies outside guest RAM (%llu MiB); "
                     "give more RAM with -m or relink the kernel",
                     (unsigned long long)s->paddr, (unsigned long long)s->memsz,
                     (unsigned long long)ram_mib);
            return -ERANGE;
        }
    }
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

#define EM_386    3
#define EM_X86_64 62

/* What the file is and how it boots: the image, the backend and the protocol. Order: a
 * multiboot header in the first 8 KiB, then an ELF (x86 with a PVH note: PVH; else native). */
static int detect(const struct vm_config *cfg, const uint8_t *buf, uint64_t len,
                  struct elf_image *img, const struct arch_ops **arch, enum boot_protocol *proto,
                  char *err, size_t errlen)
{
    struct multiboot_header mb;
    int found = cfg->boot == BOOT_AUTO || cfg->boot == BOOT_MULTIBOOT
                    ? multiboot_find(buf, len, &mb, err, errlen)
                    : 0;
    if (found < 0)
        return -ENOEXEC;
    if (found == 0 && cfg->boot == BOOT_MULTIBOOT) {
        snprintf(err, errlen, "--boot multiboot: no multiboot header in the first 8 KiB");
        return -ENOEXEC;
    }
    if (found) {
        *proto = BOOT_MULTIBOOT;
        *arch = arch_for_elf(EM_X86_64, 2, 1);
        return multiboot_image(buf, len, &mb, img, err, errlen) == 0 ? 0 : -ENOEXEC;
    }
    if (elf_parse(buf, len, img, err, errlen) != 0) {
        if (len < 4 || memcmp(buf, "\177ELF", 4) != 0)
            snprintf(err, errlen,
                     "not an ELF file and no multiboot header: softkvm boots ELF kernels "
                     "(native or PVH) and multiboot v1 kernels");
        return -ENOEXEC;
    }
    uint64_t pvh_entry;
    bool x86 = img->data == 1 && (img->machine == EM_386 || img->machine == EM_X86_64);
    bool pvh = x86 && cfg->boot != BOOT_NATIVE && pvh_find_entry(buf, len, &pvh_entry);
    if (cfg->boot == BOOT_PVH && !pvh) {
        snprintf(err, errlen,
                 "--boot pvh: the ELF has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
        return -ENOEXEC;
    }
    if (pvh) {
        *proto = BOOT_PVH;
        img->entry = pvh_entry;
        *arch = arch_for_elf(EM_X86_64, 2, 1);
        return 0;
    }
    *proto = BOOT_NATIVE;
    *arch = arch_for_elf(img->machine, img->elf_class, img->data);
    if (*arch == NULL) {
        unsupported(img, err, errlen);
        return -ENOEXEC;
    }
    return 0;
}

int kernel_boot_vm(struct vm **out, const struct vm_config *cfg_in, const uint8_t *buf,
                   uint64_t len, char *err, size_t errlen)
{
    *out = NULL;
    struct elf_image img;
    const struct arch_ops *arch = NULL;
    enum boot_protocol proto;
    if (detect(cfg_in, buf, len, &img, &arch, &proto, err, errlen) != 0)
        return -ENOEXEC;
    struct vm_config cfg = *cfg_in;
    if (cfg.board == NULL && proto != BOOT_NATIVE)
        cfg.board = "pc"; /* kernels of the PC's boot protocols expect a PC around them */
    /* Segments must lie in the board's RAM and miss its boot area. */
    const struct board *board = vm_find_board(arch, cfg.board, err, errlen);
    struct region_list regions;
    if (board == NULL || board_layout(board, cfg.ram_mib << 20, &regions, err, errlen) != 0)
        return -EINVAL;
    if (check_regions(&img, &regions, cfg.ram_mib, err, errlen) != 0 ||
        elf_check_layout(&img, UINT64_MAX, 0, 0, err, errlen) != 0) /* segments overlapping */
        return -ENOEXEC;
    struct vm *vm;
    int rc = vm_create(&vm, arch, &cfg, err, errlen);
    if (rc != 0)
        return rc;
    vm->entry = img.entry;
    vm->elf64 = img.elf_class == 2;
    vm->boot = proto;
    for (unsigned i = 0; i < img.nseg; i++)
        if (img.seg[i].paddr + img.seg[i].memsz > vm->image_end)
            vm->image_end = img.seg[i].paddr + img.seg[i].memsz;
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
