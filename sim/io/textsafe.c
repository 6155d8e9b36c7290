#include "textsafe.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

void dcs_fput_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			fputc(*p, f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}

void dcs_vfprintf_escaped(FILE *f, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	char *big = NULL;
	if (n >= (int)sizeof(small) && (big = malloc((size_t)n + 1)) != NULL)
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	/* Without memory for the whole message, its first part still goes out. */
	dcs_fput_escaped(f, big ? big : small);
	free(big);
}

void dcs_fprintf_escaped(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dcs_vfprintf_escaped(f, fmt, ap);
	va_end(ap);
}

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when invalid:
 * overlong forms, surrogates and code points above U+10FFFF are refused. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

const char *dcs_json_text_problem(const char *text, size_t len, size_t *off)
{
	const unsigned char *t = (const unsigned char *)text;
	bool in_str = false;
	for (size_t i = 0; i < len;) {
		/* Printable ASCII other than a quote or a backslash is fine in and
		 * out of strings: most of a scenario, passed over here. */
		while (i < len && t[i] >= 0x20 && t[i] < 0x80 && t[i] != '"' && t[i] != '\\')
			i++;
		if (i == len)
			break;
		size_t n = utf8_len(t + i, len - i);
		if (n == 0) {
			*off = i;
			return "this byte is not UTF-8 text; save the file as UTF-8";
		}
		if (n == 1 && in_str && t[i] < 0x20) {
			*off = i;
			return "a control character written raw inside a string; JSON writes it "
			       "escaped (\\n, \\t, \\u001b)";
		}
		if (n == 1 && t[i] == '"') {
			in_str = !in_str;
		} else if (n == 1 && in_str && t[i] == '\\' && i + 1 < len) {
			if (t[i + 1] == 'u' && i + 5 < len && !memcmp(t + i + 2, "0000", 4)) {
				*off = i;
				return "\\u0000 (a NUL character) cannot be part of a string";
			}
			i += 2; /* the escaped character is ASCII in valid JSON */
			continue;
		}
		i += n;
	}
	return NULL;
}

const char *dcs_json_syntax_hint(const char *text, size_t len, size_t off)
{
	static const char *const words[] = {"NaN", "nan", "Infinity", "-Infinity", "inf", "-inf"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		if (off + n <= len && !memcmp(text + off, words[i], n))
			return " (JSON has no NaN or Infinity: write a finite number)";
	}
	return "";
}

cJSON *dcs_json_parse(const char *text, size_t len, const char **end)
{
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, end, 0);
	if (!root)
		root = cJSON_ParseWithLengthOpts(text, len, end, 0);
	return root;
}
