# PowerPC guest SDK: builds ppc (32-bit) and ppc64 (ELFv1) big-endian guest kernels with Debian's
# cross compilers, isolated from the hypervisor's compiler and flags.
#
# softkvm_add_ppc_guest(NAME [SOURCES] src... [DEFINES def...])
# softkvm_add_ppc64_guest(NAME [SOURCES] src... [DEFINES def...])
#   Build ${CMAKE_BINARY_DIR}/guests/ppc/NAME (ppc64: guests/ppc64/NAME) from the sources plus the
#   SDK (crt0, vectors, the patched ePAPR hypercall stub, traps, problem state, device tree, console,
#   printf, self-checks), linked with guest/ppc/kernel.ld (guest/ppc64/kernel.ld): vectors at 0,
#   the kernel at 1 MiB. The target is guest_ppc_NAME (guest_ppc64_NAME); its file path is in the
#   target property GUEST_FILE. Relative sources are taken from the calling directory.
#
# The cross compiler runs through a custom command (CMake has one C compiler per project), so no
# hypervisor flag (sanitizers, warnings, definitions) reaches a guest. If a cross compiler is
# missing, SOFTKVM_PPC_CC / SOFTKVM_PPC64_CC are empty and the functions only warn.

find_program(SOFTKVM_PPC_CC powerpc-linux-gnu-gcc)
find_program(SOFTKVM_PPC64_CC powerpc64-linux-gnu-gcc)

# Functions run in their callers' scope: everything they read is cached.
set(_skvm_ppc_dir ${CMAKE_CURRENT_LIST_DIR}/ppc CACHE INTERNAL "")
set(_skvm_ppc64_dir ${CMAKE_CURRENT_LIST_DIR}/ppc64 CACHE INTERNAL "")
get_filename_component(_skvm_ppc_root ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)
set(_skvm_ppc_root ${_skvm_ppc_root} CACHE INTERNAL "")

set(SOFTKVM_PPC_SDK_SOURCES
    ${_skvm_ppc_dir}/crt0.S ${_skvm_ppc_dir}/vectors.S ${_skvm_ppc_dir}/hcall.S
    ${_skvm_ppc_dir}/usermode.S ${_skvm_ppc_dir}/init.c ${_skvm_ppc_dir}/trap.c
    ${_skvm_ppc_dir}/fdt.c ${_skvm_ppc_dir}/paravirt.c ${_skvm_ppc_dir}/console.c
    ${_skvm_ppc_dir}/user.c
    ${_skvm_ppc_root}/guest/common/printf.c ${_skvm_ppc_root}/guest/common/runtime.c
    ${_skvm_ppc_root}/guest/common/testdev.c
    ${_skvm_ppc_root}/guest/common/string.c
    CACHE INTERNAL "sources of the PowerPC guest SDK")
set(SOFTKVM_PPC_SDK_DEPENDS
    ${_skvm_ppc_dir}/asm.h ${_skvm_ppc_root}/include/guest/softkvm_guest.h
    ${_skvm_ppc_root}/include/guest/ppc/ppc.h ${_skvm_ppc_root}/include/guest/ppc/kvm_para.h
    CACHE INTERNAL "headers of the PowerPC guest SDK")

set(_skvm_ppc_common_flags
    -std=gnu11 -ffreestanding -fno-pic -msoft-float -mno-altivec -mno-vsx -mbig-endian
    -fno-stack-protector -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
    -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wa,-mregnames -I${_skvm_ppc_root}/include -I${_skvm_ppc_dir}
    -fmacro-prefix-map=${_skvm_ppc_root}/=
    CACHE INTERNAL "")
set(_skvm_ppc_link_flags
    -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000
    -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
    CACHE INTERNAL "")

# Builds one guest with compiler cc for arch (ppc or ppc64).
function(_softkvm_ppc_guest arch cc name)
  cmake_parse_arguments(PARSE_ARGV 3 G "" "" "SOURCES;DEFINES")
  set(sources)
  foreach(s ${G_SOURCES} ${G_UNPARSED_ARGUMENTS})
    get_filename_component(abs ${s} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND sources ${abs})
  endforeach()
  if(NOT sources)
    message(FATAL_ERROR "softkvm_add_${arch}_guest(${name}): no sources")
  endif()
  if(NOT cc)
    message(WARNING "softkvm_add_${arch}_guest(${name}): no ${arch} cross compiler; not built")
    return()
  endif()
  execute_process(COMMAND ${cc} -print-file-name=include
                  OUTPUT_VARIABLE cc_include OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(defs)
  foreach(d ${G_DEFINES})
    list(APPEND defs -D${d})
  endforeach()
  set(sdk ${SOFTKVM_PPC_SDK_SOURCES})
  if(arch STREQUAL "ppc64")
    set(flags -m64 -mabi=elfv1 -mcmodel=medium -mcpu=power7)
    set(ldscript ${_skvm_ppc64_dir}/kernel.ld)
    list(APPEND sdk ${_skvm_ppc64_dir}/mmu.c)
  else()
    set(flags -m32 -mcpu=7450 -msdata=none -G0)
    set(ldscript ${_skvm_ppc_dir}/kernel.ld)
  endif()
  set(out ${CMAKE_BINARY_DIR}/guests/${arch}/${name})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/guests/${arch}
    COMMAND ${cc} ${flags} ${_skvm_ppc_common_flags} -nostdinc -isystem ${cc_include} ${defs}
            -o ${out} ${sdk} ${sources} ${_skvm_ppc_link_flags} -Wl,-T,${ldscript} -lgcc
    DEPENDS ${sdk} ${sources} ${SOFTKVM_PPC_SDK_DEPENDS} ${ldscript}
    COMMENT "Building ${arch} guest ${name}"
    VERBATIM)
  add_custom_target(guest_${arch}_${name} ALL DEPENDS ${out})
  set_target_properties(guest_${arch}_${name} PROPERTIES GUEST_FILE ${out})
endfunction()

function(softkvm_add_ppc_guest name)
  _softkvm_ppc_guest(ppc "${SOFTKVM_PPC_CC}" ${name} ${ARGN})
endfunction()

function(softkvm_add_ppc64_guest name)
  _softkvm_ppc_guest(ppc64 "${SOFTKVM_PPC64_CC}" ${name} ${ARGN})
endfunction()
