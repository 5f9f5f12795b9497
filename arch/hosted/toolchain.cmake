# SPDX-License-Identifier: BSD-2-Clause
# Hosted shim: the portable core as a Linux program, built with the host's
# compiler (gcc by default; CAIRN_HOSTED_CC=clang for the fuzzing build).
set(CMAKE_SYSTEM_NAME Linux)
if(CONFIG_HOSTED_FUZZ)
  set(CMAKE_C_COMPILER clang)   # libFuzzer comes with clang
elseif(DEFINED ENV{CAIRN_HOSTED_CC})
  set(CMAKE_C_COMPILER "$ENV{CAIRN_HOSTED_CC}")
else()
  set(CMAKE_C_COMPILER gcc)
endif()
set(CMAKE_ASM_COMPILER "${CMAKE_C_COMPILER}")
set(CMAKE_C_FLAGS_INIT "-O2 -g -fno-omit-frame-pointer")
