# SPDX-License-Identifier: BSD-2-Clause
# x86_64 kernel: Debian's gcc, freestanding, linked high (-mcmodel=kernel).
# The kernel does not use SSE/AVX registers (-mgeneral-regs-only): the FP
# policy of docs/architecture.md keeps FP state out of interrupt and
# exception paths until the scheduler saves it per thread.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND gcc -print-file-name=include OUTPUT_VARIABLE cairn_cc_include
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CAIRN_FREESTANDING_FLAGS
  "-ffreestanding -nostdinc -isystem ${cairn_cc_include} -fno-pie -fno-pic \
-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-common \
-ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${CAIRN_FREESTANDING_FLAGS} -Os -g")
set(CMAKE_ASM_FLAGS_INIT "${CAIRN_FREESTANDING_FLAGS} -g")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none \
-Wl,-z,max-page-size=0x1000 -Wl,--gc-sections -Wl,-z,noexecstack")
