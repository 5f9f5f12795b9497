// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer entry point for multiboot2_parse: the input is the information
 * block, placed in an exactly sized chunk of fake physical memory (so ASan
 * sees any overread). A parse that succeeds must leave a sane boot_info,
 * which is then finalized too.
 *
 * To get past total_size quickly, the harness helps when the block's
 * `reserved` word (which the parser ignores) is zero: it sets total_size to
 * the input's size. Otherwise the input is taken exactly as it comes.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_phys.h"
#include "hosted.h"

#include "x86_64/multiboot2.h"

#define INFO_PA 0x10000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	struct fake_phys fp;
	struct phys_window w;
	uint8_t *mem;
	err_t err;

	if (size == 0 || size > MULTIBOOT2_INFO_MAX_SIZE + 64)
		return 0;
	hosted_console_capture = discard;
	fake_phys_init(&fp);
	mem = fake_phys_add_copy(&fp, INFO_PA, data, size);
	if (size >= 8 && !mem[4] && !mem[5] && !mem[6] && !mem[7]) {
		uint32_t total = (uint32_t)size;

		memcpy(mem, &total, 4);
	}
	w = fake_phys_window(&fp);
	err = multiboot2_parse(&w, MULTIBOOT2_BOOTLOADER_MAGIC, INFO_PA, &bi);
	if (err > 0 || err < CAIRN_ERR_MIN_)
		abort();
	if (err == CAIRN_OK) {
		if (bi.nregions > BOOT_INFO_MAX_REGIONS ||
		    bi.nreserved > BOOT_INFO_MAX_RESERVED ||
		    !memchr(bi.cmdline, '\0', sizeof(bi.cmdline)) ||
		    (bi.acpi_rsdp_len != 0 && bi.acpi_rsdp_len != 20 && bi.acpi_rsdp_len != 36))
			abort();
		(void)boot_info_finalize(&bi);
	} else if (bi.nregions || bi.nreserved) {
		abort(); /* an error must leave the boot_info empty */
	}
	fake_phys_free(&fp);
	return 0;
}
