/* The growable byte buffer (dcisim/buf.h). */
#include "dcisim/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL after them. */
static bool reserve(struct dcs_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

bool dcs_buf_grow(struct dcs_buf *b, size_t n)
{
	return reserve(b, n);
}

void dcs_buf_put(struct dcs_buf *b, const void *data, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void dcs_buf_puts(struct dcs_buf *b, const char *s)
{
	dcs_buf_put(b, s, strlen(s));
}

void dcs_buf_printf(struct dcs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dcs_buf_free(struct dcs_buf *b)
{
	free(b->s);
	*b = (struct dcs_buf){0};
}
