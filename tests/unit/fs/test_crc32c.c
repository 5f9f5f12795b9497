// SPDX-License-Identifier: BSD-2-Clause
/*
 * CRC32C against the standard check values (RFC 3720 appendix B.4, the
 * "123456789" check) and against a bit-at-a-time reference over random
 * buffers of every length and alignment up to 300 bytes. Every test runs
 * twice: with the CPU's CRC32C instruction (when the host has one) and with
 * the portable tables (hosted_crc32c_insn_enable(false)).
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/crc32c.h>

static uint32_t reference(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void test_crc32c_matches_the_standard_check_values(void **state)
{
	uint8_t buf[48];

	(void)state;
	assert_int_equal(crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(crc32c(0, "", 0), 0);
	memset(buf, 0, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x8A9136AAu);
	memset(buf, 0xff, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x62A8AB43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(crc32c(0, buf, 32), 0x46DD794Eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(crc32c(0, buf, 32), 0x113FDB5Cu);
}

static void test_crc32c_equals_the_bitwise_reference_at_every_alignment(void **state)
{
	uint8_t buf[320];
	unsigned long seed = cairn_test_seed("crc32c");

	(void)state;
	srand((unsigned)seed);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 300; len++)
			assert_int_equal(crc32c(0, buf + off, len), reference(0, buf + off, len));
}

static void test_crc32c_chains_across_pieces(void **state)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	size_t n = strlen(s);

	(void)state;
	for (size_t cut = 0; cut <= n; cut++)
		assert_int_equal(crc32c(crc32c(0, s, cut), s + cut, n - cut), crc32c(0, s, n));
	assert_int_equal(crc32c_final(crc32c_update(CRC32C_INIT, s, n)), crc32c(0, s, n));
}

static int use_instruction(void **state)
{
	(void)state;
	hosted_crc32c_insn_enable(true);
	return 0;
}

static int use_tables(void **state)
{
	(void)state;
	hosted_crc32c_insn_enable(false);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_matches_the_standard_check_values),
		cmocka_unit_test(test_crc32c_equals_the_bitwise_reference_at_every_alignment),
		cmocka_unit_test(test_crc32c_chains_across_pieces),
	};

	cairn_test_setup();
	return cmocka_run_group_tests_name("crc32c_instruction", tests, use_instruction, NULL) |
	       cmocka_run_group_tests_name("crc32c_tables", tests, use_tables, NULL);
}
