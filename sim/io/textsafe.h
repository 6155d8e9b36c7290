/*
 * One-line messages from untrusted text (internal to sim/io/).
 *
 * Contract: a loader's message is one line (SPEC §1: one error per line),
 * but keys and values quoted in it come from the file and may hold line
 * breaks or other control bytes (cJSON accepts raw ones inside strings, and
 * "\n" escapes decode to them).  These print such bytes as \n, \r, \t or
 * \xHH, so a message never spans lines and never carries terminal controls.
 * Also the checks and the parse that scenario and sweep files share.
 */
#ifndef DCISIM_IO_TEXTSAFE_H
#define DCISIM_IO_TEXTSAFE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s with control bytes escaped. */
void dcs_fput_escaped(FILE *f, const char *s);
/* printf into f, with control bytes in the result escaped. */
void dcs_vfprintf_escaped(FILE *f, const char *fmt, va_list ap);
void dcs_fprintf_escaped(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks JSON text that cJSON has accepted for what it lets through and a
 * scenario must not hold: bytes that are not UTF-8, control characters
 * written raw inside strings (JSON requires escapes), and "\u0000", which
 * would silently cut a string short.  Returns NULL when the text is clean,
 * else the problem, with *off the byte offset where it starts. */
const char *dcs_json_text_problem(const char *text, size_t len, size_t *off);

/* cJSON_ParseWithLengthOpts (no NUL required), tried a second time when it
 * fails: cJSON returns NULL both for a syntax error and for an allocation
 * that failed, and a syntax error fails again where it did, while a
 * momentary shortage of memory usually does not. */
struct cJSON;
struct cJSON *dcs_json_parse(const char *text, size_t len, const char **end);

/* A hint for a JSON syntax error at off: NaN and Infinity are not JSON. */
const char *dcs_json_syntax_hint(const char *text, size_t len, size_t off);

#endif
