# s390x guest SDK: builds softkvm s390x guest kernels with the cross compiler s390x-linux-gnu-gcc.
#
# softkvm_add_s390x_guest(NAME [SOURCES] src... [DEFINES def...])
#   Builds the s390x guest kernel ${CMAKE_BINARY_DIR}/guests/s390x/NAME from the sources plus the
#   SDK (crt0, interruption entries, test-device console, virtio console, printf, self-checks),
#   linked at 64 KiB with guest/s390x/kernel.ld. The CMake target is guest_s390x_NAME; relative
#   sources are taken from the calling directory.
#
# CMake's C compiler is the host's, so the cross compiler runs as custom commands (with depfiles
# for header changes). None of the hypervisor's flags reach the guests. SOFTKVM_S390X_GUESTS is
# ON when the cross compiler exists; without it the function adds nothing.

get_filename_component(_skvm_s390x_root ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)
find_program(SOFTKVM_S390X_CC s390x-linux-gnu-gcc)

if(NOT SOFTKVM_S390X_CC)
  message(STATUS "s390x-linux-gnu-gcc not found: s390x guests are not built (make setup)")
  set(SOFTKVM_S390X_GUESTS OFF CACHE INTERNAL "s390x guests can be built")
  function(softkvm_add_s390x_guest name)
  endfunction()
  return()
endif()
set(SOFTKVM_S390X_GUESTS ON CACHE INTERNAL "s390x guests can be built")

execute_process(COMMAND ${SOFTKVM_S390X_CC} -print-file-name=include
                OUTPUT_VARIABLE _skvm_s390x_cc_include OUTPUT_STRIP_TRAILING_WHITESPACE)

set(SOFTKVM_S390X_GUEST_CFLAGS
    -ffreestanding -nostdinc -isystem ${_skvm_s390x_cc_include}
    -m64 -march=z196 -msoft-float -fno-pic -fno-stack-protector --param=min-pagesize=0
    -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
    -std=gnu11 -O2 -g
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -fmacro-prefix-map=${_skvm_s390x_root}/=
    -I${_skvm_s390x_root}/include
    CACHE INTERNAL "compile options of s390x guests")
set(SOFTKVM_S390X_GUEST_LDSCRIPT ${_skvm_s390x_root}/guest/s390x/kernel.ld
    CACHE INTERNAL "linker script of s390x guests")
set(SOFTKVM_S390X_GUEST_LDFLAGS
    -nostdlib -static -no-pie
    -Wl,-T,${SOFTKVM_S390X_GUEST_LDSCRIPT}
    -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
    CACHE INTERNAL "link options of s390x guests")

set(_skvm_s390x_sdk_sources
  ${_skvm_s390x_root}/guest/common/printf.c
  ${_skvm_s390x_root}/guest/common/runtime.c
  ${_skvm_s390x_root}/guest/common/testdev.c
  ${_skvm_s390x_root}/guest/common/string.c
  ${_skvm_s390x_root}/guest/s390x/crt0.S
  ${_skvm_s390x_root}/guest/s390x/isr.S
  ${_skvm_s390x_root}/guest/s390x/interrupts.c
  ${_skvm_s390x_root}/guest/s390x/console.c
  ${_skvm_s390x_root}/guest/s390x/virtio_console.c)

# Compile each of srcs into ${dir}/<file name>.o with the guest flags plus defs; the object
# paths go to out_var.
function(_softkvm_s390x_compile out_var dir defs)
  get_filename_component(root ${CMAKE_CURRENT_FUNCTION_LIST_DIR} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  set(objs)
  foreach(src IN LISTS ARGN)
    get_filename_component(src ${src} ABSOLUTE)
    get_filename_component(base ${src} NAME)
    set(obj ${dir}/${base}.o)
    if(obj IN_LIST objs)
      message(FATAL_ERROR "s390x guest: two sources named ${base}")
    endif()
    set(dflags)
    foreach(d IN LISTS defs)
      list(APPEND dflags -D${d})
    endforeach()
    file(RELATIVE_PATH shown ${root} ${src})
    add_custom_command(OUTPUT ${obj}
      COMMAND ${SOFTKVM_S390X_CC} ${SOFTKVM_S390X_GUEST_CFLAGS} ${dflags}
              -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "Building s390x guest object ${shown}"
      VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  set(${out_var} ${objs} PARENT_SCOPE)
endfunction()

set(_skvm_s390x_out ${CMAKE_BINARY_DIR}/guests/s390x)
_softkvm_s390x_compile(_skvm_s390x_sdk_objs ${_skvm_s390x_out}/obj/sdk "" ${_skvm_s390x_sdk_sources})
set(SOFTKVM_S390X_SDK_OBJECTS ${_skvm_s390x_sdk_objs} CACHE INTERNAL "s390x guest SDK objects")
add_custom_target(softkvm_guest_sdk_s390x DEPENDS ${_skvm_s390x_sdk_objs})

function(softkvm_add_s390x_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 G "" "" "SOURCES;DEFINES")
  set(sources ${G_SOURCES} ${G_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "softkvm_add_s390x_guest(${name}): no sources")
  endif()
  set(out ${CMAKE_BINARY_DIR}/guests/s390x)
  _softkvm_s390x_compile(objs ${out}/obj/${name} "${G_DEFINES}" ${sources})
  add_custom_command(OUTPUT ${out}/${name}
    COMMAND ${SOFTKVM_S390X_CC} ${SOFTKVM_S390X_GUEST_LDFLAGS} -o ${out}/${name}
            ${objs} ${SOFTKVM_S390X_SDK_OBJECTS} -lgcc
    DEPENDS ${objs} ${SOFTKVM_S390X_SDK_OBJECTS} ${SOFTKVM_S390X_GUEST_LDSCRIPT}
    COMMENT "Linking s390x guest ${name}"
    VERBATIM)
  add_custom_target(guest_s390x_${name} ALL DEPENDS ${out}/${name})
  add_dependencies(guest_s390x_${name} softkvm_guest_sdk_s390x)
endfunction()
