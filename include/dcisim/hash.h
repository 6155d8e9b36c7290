/*
 * The one hash of dcisim: 64-bit FNV-1a (Fowler, Noll, Vo; offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3), for hash tables of ids and
 * names, random stream seeds (dcs_stream_seed) and the event-stream
 * fingerprint.  Not for anything secret (file contents: SHA-256, output.h).
 *
 * h is 0 to start a hash, or a previous result to go on with more bytes:
 * dcs_hash64(b, n, dcs_hash64(a, m, 0)) is the hash of a then b.
 */
#ifndef DCISIM_HASH_H
#define DCISIM_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

uint64_t dcs_hash64(const void *data, size_t len, uint64_t h);

/* The same over a NUL-terminated string. */
static inline uint64_t dcs_hash_str(const char *s, uint64_t h)
{
	return dcs_hash64(s, strlen(s), h);
}

#endif
