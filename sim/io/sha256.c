/*
 * SHA-256 (FIPS 180-4) by nettle, for provenance and cache keys: run.json's
 * scenario_sha256 (so `sha256sum scenario.json` checks it) and the keys of
 * cached sweep runs.  Not used for anything secret.
 */
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/output.h"

void dcs_sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}
