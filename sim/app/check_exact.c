/* dcisim check, exact mode (check.h): every CSV the same bytes. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"

/* ---- exact mode ---------------------------------------------------------- */

/* Line `n` (1-based) of text, at most len - 1 bytes of it, for a drift line. */
static void line_of(const char *text, size_t tlen, size_t n, char *buf, size_t len)
{
	const char *p = text, *end = text + tlen;
	for (size_t k = 1; k < n && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t l = (size_t)((nl ? nl : end) - p);
	if (l >= len)
		l = len - 4;
	memcpy(buf, p, l);
	strcpy(buf + l, l == len - 4 ? "..." : "");
}

int chk_bytes(struct checker *C, const char *file, const char *rdir, const char *bdir)
{
	char pb[4096], pr[4096];
	snprintf(pb, sizeof(pb), "%s/%s", bdir, file);
	snprintf(pr, sizeof(pr), "%s/%s", rdir, file);
	size_t lb = 0, lr = 0;
	char *b = dcs_read_file(pb, &lb), *r = b ? dcs_read_file(pr, &lr) : NULL;
	if (!b || !r) {
		fprintf(C->err, "dcisim check: error: cannot read %s: %s\n", b ? pr : pb,
			strerror(errno));
		free(b);
		return DCS_EXIT_RUNTIME;
	}
	C->files++;
	C->cells += lb;
	size_t nd = 0;
	if (lb != lr || memcmp(b, r, lb) != 0) {
		size_t i = 0, line = 1;
		while (i < lb && i < lr && b[i] == r[i])
			line += b[i++] == '\n';
		char lbuf[160], rbuf[160];
		line_of(b, lb, line, lbuf, sizeof(lbuf));
		line_of(r, lr, line, rbuf, sizeof(rbuf));
		chk_drift(C, &nd,
			  "%s: not the same bytes (%zu in the baseline, %zu in the results); "
			  "first difference in line %zu: baseline \"%s\", current \"%s\"",
			  file, lb, lr, line, lbuf, rbuf);
	}
	free(b);
	free(r);
	return DCS_EXIT_OK;
}
