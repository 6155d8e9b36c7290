/* 64-bit FNV-1a (dcisim/hash.h). */
#include "dcisim/hash.h"

uint64_t dcs_hash64(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	if (h == 0)
		h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}
