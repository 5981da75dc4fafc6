/* Fuzz target: the boot formats besides plain ELF: the multiboot v1 header search and image
 * (a.out kludge addresses or the ELF32/64 program headers), the PVH entry note, and the
 * multiboot/PVH information blocks built from a memory map, command line and module the
 * input gives. Segments handed out must lie in the file; built blocks must fit their buffer. */
#include "fuzz.h"
#include "softkvm/boot_info.h"
#include "softkvm/elf.h"
#include "softkvm/multiboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    struct multiboot_header h;
    int rc = multiboot_find(data, size, &h, err, sizeof(err));
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == -ENOEXEC);
    if (rc == 1) {
        FUZZ_CHECK(h.offset < size);
        struct elf_image img;
        if (multiboot_image(data, size, &h, &img, err, sizeof(err)) == 0) {
            FUZZ_CHECK(img.nseg <= ELF_MAX_SEGMENTS);
            for (unsigned i = 0; i < img.nseg; i++)
                FUZZ_CHECK(img.seg[i].offset <= size &&
                           img.seg[i].filesz <= size - img.seg[i].offset);
        }
    }
    uint64_t entry;
    rc = pvh_find_entry(data, size, &entry);
    FUZZ_CHECK(rc == 0 || rc == 1);

    /* The information blocks: parameters from the input's first bytes. */
    struct fuzz_in in = {data, size};
    struct e820_entry map[8];
    unsigned ne820 = (unsigned)fuzz_take(&in, 1) % 9;
    for (unsigned i = 0; i < ne820; i++) {
        map[i].addr = fuzz_take(&in, 8);
        map[i].size = fuzz_take(&in, 8);
        map[i].type = (uint32_t)fuzz_take(&in, 1) % 6;
    }
    char cmdline[300], modstr[64];
    size_t n = (size_t)fuzz_take(&in, 2) % sizeof(cmdline);
    for (size_t i = 0; i < n; i++)
        cmdline[i] = (char)(fuzz_take(&in, 1) | 1); /* no NUL inside */
    cmdline[n] = '\0';
    snprintf(modstr, sizeof(modstr), "initrd");
    struct boot_info_params p = {
        .base = (uint32_t)fuzz_take(&in, 4),
        .e820 = map,
        .ne820 = ne820,
        .cmdline = cmdline,
        .module_start = (uint32_t)fuzz_take(&in, 4),
        .module_end = (uint32_t)fuzz_take(&in, 4),
        .module_string = modstr,
        .rsdp = fuzz_take(&in, 8),
    };
    size_t cap = (size_t)fuzz_take(&in, 2) % 4096;
    uint8_t *buf = malloc(cap > 0 ? cap : 1);
    if (buf == NULL)
        return 0;
    long used = multiboot_build_info(buf, cap, &p);
    FUZZ_CHECK(used == -ENOSPC || (used >= 0 && (size_t)used <= cap));
    used = pvh_build_start_info(buf, cap, &p);
    FUZZ_CHECK(used == -ENOSPC || (used >= 0 && (size_t)used <= cap));
    free(buf);
    return 0;
}
