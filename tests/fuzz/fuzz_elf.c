/* Fuzz target: the ELF kernel loader (parse, layout check against 16 MiB of RAM with a boot
 * area, load). Whatever the file, the loader answers with an error or loads inside RAM. */
#include "fuzz.h"
#include "softkvm/elf.h"
#include "softkvm/gmem.h"

#define RAM (16u << 20)

static struct gmem ram; /* one guest RAM for the whole process (test code: no src/ state) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ram.size == 0 && gmem_init(&ram, RAM) != 0)
        abort();
    struct elf_image img;
    char err[256];
    if (elf_parse(data, size, &img, err, sizeof(err)) != 0)
        return 0;
    FUZZ_CHECK(img.nseg <= ELF_MAX_SEGMENTS);
    for (unsigned i = 0; i < img.nseg; i++) {
        FUZZ_CHECK(img.seg[i].offset <= size && img.seg[i].filesz <= size - img.seg[i].offset);
        FUZZ_CHECK(img.seg[i].memsz >= img.seg[i].filesz);
    }
    (void)elf_machine_name(img.machine);
    if (elf_check_layout(&img, RAM, 0x1000, 0x100000, err, sizeof(err)) != 0)
        return 0;
    FUZZ_CHECK(elf_load(&img, data, &ram) == 0);
    return 0;
}
