// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer entry point for pvh_parse: the input is one exactly sized
 * chunk of fake physical memory at FUZZ_PA, the start info at its
 * beginning.
 *
 * To reach past the magic and into the arrays quickly, the harness helps
 * when bit 31 of the start info's `flags` (which the parser ignores) is
 * clear: it writes the magic, and turns each pointer field smaller than the
 * input into an address inside the chunk (FUZZ_PA + value). With the bit
 * set, the input is taken exactly as it comes.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_phys.h"
#include "hosted.h"

#include "x86_64/pvh.h"

#define FUZZ_PA 0x1000ull

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

	if (size == 0 || size > 65536)
		return 0;
	hosted_console_capture = discard;
	fake_phys_init(&fp);
	mem = fake_phys_add_copy(&fp, FUZZ_PA, data, size);
	if (size >= PVH_START_INFO_V1_SIZE && !(mem[11] & 0x80)) {
		static const size_t ptrs[] = { 0x10, 0x18, 0x20, 0x28 };
		uint32_t magic = PVH_START_MAGIC;

		memcpy(mem, &magic, 4);
		for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
			uint64_t v;

			memcpy(&v, mem + ptrs[i], 8);
			if (v < size) {
				v += FUZZ_PA;
				memcpy(mem + ptrs[i], &v, 8);
			}
		}
	}
	w = fake_phys_window(&fp);
	err = pvh_parse(&w, FUZZ_PA, &bi);
	if (err > 0 || err < CAIRN_ERR_MIN_)
		abort();
	if (err == CAIRN_OK) {
		/* Entries of size 0 are dropped: a map may end up empty (finalize
		 * then reports NOMEM). */
		if (bi.nregions > BOOT_INFO_MAX_REGIONS ||
		    !memchr(bi.cmdline, '\0', sizeof(bi.cmdline)))
			abort();
		(void)boot_info_finalize(&bi);
	} else if (bi.nregions || bi.nreserved) {
		abort();
	}
	fake_phys_free(&fp);
	return 0;
}
