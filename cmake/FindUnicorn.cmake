# Finds Unicorn >= 2.1: first in build/deps/unicorn (installed by scripts/setup.sh), then the system.
set(_unicorn_hint ${CMAKE_SOURCE_DIR}/build/deps/unicorn)
find_path(Unicorn_INCLUDE_DIR unicorn/unicorn.h
  HINTS ${UNICORN_ROOT}/include ${_unicorn_hint}/include NO_CMAKE_SYSTEM_PATH)
find_path(Unicorn_INCLUDE_DIR unicorn/unicorn.h)
find_library(Unicorn_LIBRARY NAMES unicorn libunicorn.so.2
  HINTS ${UNICORN_ROOT}/lib ${_unicorn_hint}/lib NO_CMAKE_SYSTEM_PATH)
find_library(Unicorn_LIBRARY NAMES unicorn)

if(Unicorn_INCLUDE_DIR AND EXISTS ${Unicorn_INCLUDE_DIR}/unicorn/unicorn.h)
  file(STRINGS ${Unicorn_INCLUDE_DIR}/unicorn/unicorn.h _maj REGEX "#define UC_API_MAJOR ")
  file(STRINGS ${Unicorn_INCLUDE_DIR}/unicorn/unicorn.h _min REGEX "#define UC_API_MINOR ")
  file(STRINGS ${Unicorn_INCLUDE_DIR}/unicorn/unicorn.h _pat REGEX "#define UC_API_PATCH ")
  string(REGEX REPLACE ".*UC_API_MAJOR +([0-9]+).*" "\\1" _maj "${_maj}")
  string(REGEX REPLACE ".*UC_API_MINOR +([0-9]+).*" "\\1" _min "${_min}")
  string(REGEX REPLACE ".*UC_API_PATCH +([0-9]+).*" "\\1" _pat "${_pat}")
  set(Unicorn_VERSION "${_maj}.${_min}.${_pat}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Unicorn
  REQUIRED_VARS Unicorn_LIBRARY Unicorn_INCLUDE_DIR
  VERSION_VAR Unicorn_VERSION
  FAIL_MESSAGE "Unicorn >= 2.1 not found: run 'make setup' (installs Unicorn 2.1.4 from PyPI into build/deps/unicorn), or set UNICORN_ROOT")

if(Unicorn_FOUND AND NOT TARGET Unicorn::Unicorn)
  add_library(Unicorn::Unicorn SHARED IMPORTED)
  set_target_properties(Unicorn::Unicorn PROPERTIES
    IMPORTED_LOCATION ${Unicorn_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${Unicorn_INCLUDE_DIR})
  get_filename_component(_unicorn_libdir ${Unicorn_LIBRARY} DIRECTORY)
  set(CMAKE_BUILD_RPATH ${CMAKE_BUILD_RPATH} ${_unicorn_libdir})
endif()
