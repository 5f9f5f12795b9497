# SPDX-License-Identifier: BSD-2-Clause
#
# Shared build settings and helpers for every Cairn target.
#
# Object libraries and what they may include (the layering rules of
# docs/architecture.md, enforced here):
#   cairn_core     src/           include/
#   cairn_drivers  drivers/       include/
#   cairn_fs       fs/            include/
#   cairn_boot     boot/<arch>/   include/ + arch/<arch>/include
#   cairn_arch     arch/<arch>/   include/ + arch/<arch>/include
#   cairn_app      apps/<app>/    <build>/app-include (only cairn/)
# Portable libraries never get an arch include path.

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_EXTENSIONS ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# The sanitizer build of the hosted shim instruments everything it compiles.
if(CONFIG_HOSTED_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()

set(CAIRN_GENERATED "${CMAKE_BINARY_DIR}/include/generated")

add_library(cairn_flags INTERFACE)
target_compile_options(cairn_flags INTERFACE
  -Wall -Wextra -Werror -Wundef -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wwrite-strings
  -Wno-unused-parameter
  -include "${CAIRN_GENERATED}/config.h"
  "-ffile-prefix-map=${CAIRN_SRC}/=")
target_include_directories(cairn_flags INTERFACE "${CAIRN_SRC}/include" "${CAIRN_GENERATED}")
# Clang checks the lock annotations (include/kernel/lock_annotations.h); the
# hosted-fuzz build is the clang build the test command makes.
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  target_compile_options(cairn_flags INTERFACE -Wthread-safety)
endif()

# The application sees include/cairn/ and nothing else of the kernel.
set(CAIRN_APP_INCLUDE "${CMAKE_BINARY_DIR}/app-include")
file(MAKE_DIRECTORY "${CAIRN_APP_INCLUDE}")
file(CREATE_LINK "${CAIRN_SRC}/include/cairn" "${CAIRN_APP_INCLUDE}/cairn" SYMBOLIC)
add_library(cairn_app_flags INTERFACE)
target_compile_options(cairn_app_flags INTERFACE
  -Wall -Wextra -Werror -Wundef -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes "-ffile-prefix-map=${CAIRN_SRC}/=")
target_include_directories(cairn_app_flags INTERFACE "${CAIRN_APP_INCLUDE}")

# cairn_portable_library(NAME SOURCES...) - an object library of portable code.
function(cairn_portable_library name)
  add_library(${name} OBJECT ${ARGN})
  target_link_libraries(${name} PUBLIC cairn_flags)
endfunction()
