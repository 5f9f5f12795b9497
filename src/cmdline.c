// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel command line (see include/kernel/cmdline.h).
 *
 * Grammar: words separated by spaces or tabs; a word is `key` or
 * `key=value`; a value may be wrapped in double quotes to hold spaces (no
 * escapes). Parsing is done on demand over the kept copy; the line is small
 * and lookups are rare, so there is no index to keep consistent.
 */
#include <kernel/cmdline.h>
#include <kernel/string.h>

static char kept[CMDLINE_MAX];

err_t cmdline_set(const char *line, size_t len)
{
	size_t n = strnlen(line, len);

	if (n < sizeof(kept)) {
		memcpy(kept, line, n);
		kept[n] = '\0';
		return CAIRN_OK;
	}
	/* Too long: keep whole words only, so no key is cut in half. */
	n = sizeof(kept) - 1;
	while (n > 0 && line[n] != ' ' && line[n] != '\t')
		n--;
	memcpy(kept, line, n);
	kept[n] = '\0';
	return CAIRN_ERR_RANGE;
}

const char *cmdline_get(void)
{
	return kept;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

err_t cmdline_find(const char *line, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	err_t result = CAIRN_ERR_NOENT;
	const char *p = line;

	while (*p) {
		const char *word, *key_end, *val = NULL, *val_end = NULL;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && !is_space(*p) && *p != '=')
			p++;
		key_end = p;
		if (*p == '=') {
			p++;
			if (*p == '"') {
				val = ++p;
				while (*p && *p != '"')
					p++;
				val_end = p;
				if (*p == '"')
					p++;
			} else {
				val = p;
				while (*p && !is_space(*p))
					p++;
				val_end = p;
			}
		}

		if ((size_t)(key_end - word) == klen && memcmp(word, key, klen) == 0) {
			size_t vlen = val ? (size_t)(val_end - val) : 0;

			if (vlen + 1 > size) {
				result = CAIRN_ERR_RANGE;
				continue;
			}
			if (vlen)
				memcpy(buf, val, vlen);
			buf[vlen] = '\0';
			result = CAIRN_OK;
		}
	}
	return result;
}

bool cmdline_has(const char *key)
{
	char dummy[2];
	err_t err = cmdline_find(kept, key, dummy, sizeof(dummy));

	return err == CAIRN_OK || err == CAIRN_ERR_RANGE;
}

err_t cmdline_value(const char *key, char *buf, size_t size)
{
	return cmdline_find(kept, key, buf, size);
}
