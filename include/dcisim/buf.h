/*
 * A growable byte buffer: text built piece by piece (CSV files, HTML reports,
 * key references) or bytes packed for a message.
 *
 * Contract: a zeroed struct dcs_buf is empty and ready.  Appends grow it as
 * needed and keep s NUL-terminated after the len bytes (so text can be used
 * as a string at once).  An allocation failure sets oom, after which appends
 * do nothing: the caller checks oom once, at the end.  dcs_buf_free()
 * releases it and leaves it empty; s may also be taken over and freed by the
 * caller.
 */
#ifndef DCISIM_BUF_H
#define DCISIM_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct dcs_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void dcs_buf_put(struct dcs_buf *b, const void *data, size_t n);
void dcs_buf_puts(struct dcs_buf *b, const char *s);
void dcs_buf_printf(struct dcs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for n more bytes and a NUL at s + len (the caller writes them, then
 * adds to len and puts the NUL back); false, with oom set, when out of
 * memory. */
bool dcs_buf_grow(struct dcs_buf *b, size_t n);
void dcs_buf_free(struct dcs_buf *b);

#endif
