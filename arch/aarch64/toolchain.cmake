# SPDX-License-Identifier: BSD-2-Clause
# AArch64 kernel: Debian's aarch64-linux-gnu cross gcc, freestanding,
# position independent (-fpie, linked -pie): the arm64 Image runs wherever
# the loader puts it; boot/aarch64/entry.S applies its own relocations.
#
# FP/SIMD policy (docs/boot-aarch64.md): kernel code uses general registers
# only (-mgeneral-regs-only), as on x86_64. CPACR_EL1.FPEN is nevertheless
# enabled at entry because Debian's libfdt.a was built with SIMD allowed.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy for the arm64 Image")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND aarch64-linux-gnu-gcc -print-file-name=include
                OUTPUT_VARIABLE cairn_cc_include OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CAIRN_FREESTANDING_FLAGS
  "-ffreestanding -nostdinc -isystem ${cairn_cc_include} -fpie \
-mgeneral-regs-only -mno-outline-atomics -fno-stack-protector \
-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer \
-fno-common -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${CAIRN_FREESTANDING_FLAGS} -Os -g \
-include ${CMAKE_CURRENT_LIST_DIR}/include/arch/visibility.h")
set(CMAKE_ASM_FLAGS_INIT "${CAIRN_FREESTANDING_FLAGS} -g")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static-pie -Wl,--no-dynamic-linker \
-Wl,-z,notext -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--gc-sections \
-Wl,-z,noexecstack -Wl,--hash-style=sysv")
