# SPDX-License-Identifier: BSD-2-Clause
# The flattened-device-tree front end (drivers/fdt/fdt.h), built wherever a
# libfdt exists for the build:
#   hosted   the host's libfdt-dev (/usr/include/libfdt.h, -lfdt; linked by
#            arch/hosted); required: without it configuring fails, so the
#            front end's unit tests can never be skipped unnoticed
#   aarch64  Debian's arm64 libfdt.a, fetched into the build tree at
#            configure time by scripts/fetch-libfdt-arm64 (cached there),
#            compiled against its headers with our freestanding
#            libfdt_env.h first on the include path; arch/aarch64 links it
#   x86_64   not built (no device tree on PCs)
# CAIRN_HAVE_FDT (and CAIRN_LIBFDT_ARM64_LIB) tell the rest of the build
# (tests, arch) which case holds: cache entries, as drivers/ is a subdirectory.

set(cairn_fdt_sources fdt/check.c fdt/memory.c fdt/tree.c)
set(have_fdt OFF)
if(CONFIG_ARCH STREQUAL "hosted")
  find_path(CAIRN_HOST_LIBFDT_INCLUDE libfdt.h)
  find_library(CAIRN_HOST_LIBFDT fdt)
  if(NOT CAIRN_HOST_LIBFDT_INCLUDE OR NOT CAIRN_HOST_LIBFDT)
    message(FATAL_ERROR "the hosted build needs the host's libfdt-dev for the FDT front end "
                        "and its unit tests (libfdt.h: ${CAIRN_HOST_LIBFDT_INCLUDE}, "
                        "libfdt.so: ${CAIRN_HOST_LIBFDT}); install it with scripts/deps "
                        "(package libfdt-dev)")
  endif()
  set(have_fdt ON)
elseif(CONFIG_ARCH STREQUAL "aarch64")
  set(CAIRN_LIBFDT_ARM64_DIR "${CMAKE_BINARY_DIR}/libfdt-arm64")
  execute_process(
    COMMAND "${CAIRN_SRC}/scripts/fetch-libfdt-arm64" "${CAIRN_LIBFDT_ARM64_DIR}"
    RESULT_VARIABLE fetch_rc)
  if(NOT fetch_rc EQUAL 0)
    message(FATAL_ERROR "the aarch64 build needs Debian's arm64 libfdt (see the message "
                        "of scripts/fetch-libfdt-arm64 above)")
  endif()
  set(CAIRN_LIBFDT_ARM64_LIB "${CAIRN_LIBFDT_ARM64_DIR}/root/usr/lib/aarch64-linux-gnu/libfdt.a"
      CACHE INTERNAL "Debian's arm64 libfdt.a, unpacked in the build tree")
  set(have_fdt ON)
  set(fdt_includes "${CMAKE_CURRENT_LIST_DIR}/freestanding"
                   "${CAIRN_LIBFDT_ARM64_DIR}/root/usr/include")
  foreach(f IN LISTS cairn_fdt_sources)
    set_source_files_properties("${CMAKE_CURRENT_SOURCE_DIR}/${f}" PROPERTIES
      INCLUDE_DIRECTORIES "${fdt_includes}")
  endforeach()
endif()
set(CAIRN_HAVE_FDT ${have_fdt} CACHE INTERNAL "the FDT front end is built")
if(have_fdt)
  list(APPEND cairn_driver_sources ${cairn_fdt_sources})
endif()
