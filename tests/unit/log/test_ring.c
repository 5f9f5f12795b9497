// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel log: line format with timestamps and levels, the level filter,
 * long lines cut and marked, the ring's replay of the newest lines after it
 * wrapped, and replay to a console registered late.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/console.h>
#include <kernel/log.h>

static char captured[1 << 16];
static size_t ncaptured;

static void capture(const char *s, size_t len)
{
	if (ncaptured + len >= sizeof(captured))
		ncaptured = 0;
	{
		memcpy(captured + ncaptured, s, len);
		ncaptured += len;
		captured[ncaptured] = '\0';
	}
}

struct replay {
	char text[1 << 16];
	size_t len;
	size_t lines;
};

static void collect(const char *line, size_t len, void *ctx)
{
	struct replay *r = ctx;

	memcpy(r->text + r->len, line, len);
	r->len += len;
	r->text[r->len] = '\0';
	r->lines++;
}

static void test_log_line_has_timestamp_level_and_newline(void **state)
{
	struct replay r = { .len = 0 };

	(void)state;
	hosted_clock_set(12345678901ull); /* 12.345678901 s */
	log_write(LOG_LEVEL_WARN, "disk: %d bad blocks", 3);
	log_ring_replay(collect, &r, 1);
	assert_string_equal(r.text, "[   12.345678] W disk: 3 bad blocks\n");
}

static void test_log_level_filter_drops_lines_above_it(void **state)
{
	struct log_stats before, after;

	(void)state;
	log_stats_get(&before);
	log_set_level(LOG_LEVEL_INFO);
	LOG_DEBUG("invisible");
	LOG_INFO("visible");
	log_stats_get(&after);
	assert_int_equal(after.lines, before.lines + 1);
	log_set_level(LOG_LEVEL_DEBUG);
	LOG_DEBUG("now visible");
	log_stats_get(&after);
	assert_int_equal(after.lines, before.lines + 2);
}

static void test_log_long_line_is_cut_and_marked(void **state)
{
	char big[600];
	struct replay r = { .len = 0 };

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	LOG_INFO("%s", big);
	log_ring_replay(collect, &r, 1);
	assert_int_equal(r.len, LOG_LINE_MAX);
	assert_memory_equal(r.text + LOG_LINE_MAX - 4, "...\n", 4);
}

static void test_log_ring_keeps_the_newest_lines_after_wrapping(void **state)
{
	static struct replay r;
	struct log_stats st;

	(void)state;
	for (int i = 0; i < 2000; i++)
		LOG_INFO("line %04d", i);
	r.len = 0;
	r.lines = 0;
	log_ring_replay(collect, &r, 3);
	assert_int_equal(r.lines, 3);
	assert_non_null(strstr(r.text, "line 1997\n"));
	assert_non_null(strstr(r.text, "line 1999\n"));
	assert_null(strstr(r.text, "line 1996"));

	/* Replaying everything yields only whole lines, oldest first. */
	r.len = 0;
	r.lines = 0;
	log_ring_replay(collect, &r, 0);
	assert_true(r.lines < 2000);
	assert_int_equal(r.text[r.len - 1], '\n');
	assert_memory_equal(r.text, "[", 1);
	log_stats_get(&st);
	assert_true(st.dropped_lines > 0);
}

static void late_write(struct console *con, const char *s, size_t len)
{
	(void)con;
	capture(s, len);
}

static void test_log_console_registered_late_gets_the_ring(void **state)
{
	static struct console late = { .name = "late", .write = late_write };

	(void)state;
	LOG_INFO("written before the console existed");
	ncaptured = 0;
	assert_int_equal(console_register(&late), CAIRN_OK);
	assert_non_null(strstr(captured, "written before the console existed"));
	/* And it receives what is logged from now on. */
	LOG_INFO("written after");
	assert_non_null(strstr(captured, "written after\n"));
	assert_int_equal(console_register(&late), CAIRN_ERR_EXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_line_has_timestamp_level_and_newline),
		cmocka_unit_test(test_log_level_filter_drops_lines_above_it),
		cmocka_unit_test(test_log_long_line_is_cut_and_marked),
		cmocka_unit_test(test_log_ring_keeps_the_newest_lines_after_wrapping),
		cmocka_unit_test(test_log_console_registered_late_gets_the_ring),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
