/*
 * PNG images of the view without a library (viz_internal.h): 8-bit RGB,
 * each row filtered with the PNG filter (none, sub or up) that leaves the
 * smallest sum of magnitudes, compressed with deflate in one block of the
 * fixed Huffman codes (RFC 1951 section 3.2.6) and greedy LZ77 matches from
 * a hash of the next three bytes, in a zlib stream (RFC 1950).  A view is
 * mostly flat colour, so this is 20 to 40 times smaller than a BMP; it is
 * not as small as libpng would make it, and it does not try to be.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

struct bits {
	uint8_t *buf;
	size_t len, cap;
	uint32_t acc; /* pending bits, LSB first */
	int n;
	bool oom;
};

static void put_byte(struct bits *b, uint8_t x)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 65536;
		uint8_t *p = realloc(b->buf, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->buf = p;
		b->cap = cap;
	}
	b->buf[b->len++] = x;
}

/* n (<= 16) bits of v, least significant first, as deflate packs data. */
static void put_bits(struct bits *b, uint32_t v, int n)
{
	b->acc |= v << b->n;
	b->n += n;
	while (b->n >= 8) {
		put_byte(b, (uint8_t)b->acc);
		b->acc >>= 8;
		b->n -= 8;
	}
}

/* A Huffman code: its bits go most significant first. */
static void put_code(struct bits *b, uint32_t code, int n)
{
	uint32_t r = 0;
	for (int i = 0; i < n; i++)
		r |= ((code >> i) & 1) << (n - 1 - i);
	put_bits(b, r, n);
}

/* Literal/length symbol 0..287 in the fixed code. */
static void put_sym(struct bits *b, int s)
{
	if (s < 144)
		put_code(b, 0x30 + (uint32_t)s, 8);
	else if (s < 256)
		put_code(b, 0x190 + (uint32_t)(s - 144), 9);
	else if (s < 280)
		put_code(b, (uint32_t)(s - 256), 7);
	else
		put_code(b, 0xC0 + (uint32_t)(s - 280), 8);
}

static const uint16_t len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
				      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
				      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
				       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static void put_match(struct bits *b, int len, int dist)
{
	int l = 28;
	while (len_base[l] > len)
		l--;
	put_sym(b, 257 + l);
	put_bits(b, (uint32_t)(len - len_base[l]), len_extra[l]);
	int d = 29;
	while (dist_base[d] > dist)
		d--;
	put_code(b, (uint32_t)d, 5);
	put_bits(b, (uint32_t)(dist - dist_base[d]), dist_extra[d]);
}

#define WINDOW   32768
#define MAXMATCH 258
#define HBITS    16

static uint32_t hash3(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HBITS);
}

/* One final block of fixed codes; false when out of memory. */
static bool deflate_fixed(struct bits *b, const uint8_t *in, size_t n)
{
	int32_t *head = malloc(sizeof(int32_t) << HBITS);
	if (!head)
		return false;
	for (size_t i = 0; i < (size_t)1 << HBITS; i++)
		head[i] = -1;
	put_bits(b, 1, 1); /* BFINAL */
	put_bits(b, 1, 2); /* BTYPE 01: fixed Huffman codes */
	size_t i = 0;
	while (i < n) {
		int best = 0, dist = 0;
		if (i + 3 <= n) {
			size_t max = n - i < MAXMATCH ? n - i : MAXMATCH;
			uint32_t h = hash3(in + i);
			/* The last position with the same hash, and the byte
			 * before (runs of one colour). */
			long cand[2] = {head[h], (long)i - 1};
			for (int c = 0; c < 2; c++) {
				long p = cand[c];
				if (p < 0 || (size_t)p >= i || i - (size_t)p > WINDOW)
					continue;
				size_t k = 0;
				while (k < max && in[(size_t)p + k] == in[i + k])
					k++;
				if ((int)k > best)
					best = (int)k, dist = (int)(i - (size_t)p);
			}
		}
		size_t step = best >= 3 ? (size_t)best : 1;
		if (best >= 3)
			put_match(b, best, dist);
		else
			put_sym(b, in[i]);
		for (size_t k = 0; k < step; k++, i++)
			if (i + 3 <= n)
				head[hash3(in + i)] = (int32_t)i;
	}
	put_sym(b, 256); /* end of block */
	if (b->n)
		put_bits(b, 0, 8 - b->n);
	free(head);
	return !b->oom;
}

/* CRC-32 of PNG chunks (ISO 3309), bit by bit: chunks are few. */
static uint32_t crc32_of(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

static bool chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
	uint8_t hd[8];
	be32(hd, (uint32_t)n);
	memcpy(hd + 4, type, 4);
	uint32_t crc = crc32_of(crc32_of(0, hd + 4, 4), data, n);
	uint8_t tail[4];
	be32(tail, crc);
	return fwrite(hd, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) &&
	       fwrite(tail, 1, 4, f) == 4;
}

/* The filtered rows: a filter byte, then the row's RGB bytes minus its
 * predictor. */
static uint8_t *filtered_rows(SDL_Surface *s, size_t *len)
{
	size_t w = (size_t)s->w, h = (size_t)s->h, row = 3 * w;
	uint8_t *rgb = malloc(2 * row), *out = malloc(h * (row + 1));
	uint8_t *cand = malloc(3 * row);
	if (!rgb || !out || !cand) {
		free(rgb);
		free(out);
		free(cand);
		return NULL;
	}
	uint8_t *cur = rgb, *prev = rgb + row;
	memset(prev, 0, row);
	for (size_t y = 0; y < h; y++) {
		const uint8_t *src = (const uint8_t *)s->pixels + y * (size_t)s->pitch;
		for (size_t x = 0; x < w; x++) {
			Uint32 px;
			memcpy(&px, src + 4 * x, 4);
			if (s->format->format == SDL_PIXELFORMAT_RGB888) {
				/* The viewer's own surfaces: the fast way. */
				cur[3 * x] = (uint8_t)(px >> 16);
				cur[3 * x + 1] = (uint8_t)(px >> 8);
				cur[3 * x + 2] = (uint8_t)px;
			} else {
				SDL_GetRGB(px, s->format, &cur[3 * x], &cur[3 * x + 1],
					   &cur[3 * x + 2]);
			}
		}
		/* None, sub, up: the one with the smallest sum of |signed byte|. */
		long best_sum = -1;
		int best = 0;
		for (int f = 0; f < 3; f++) {
			uint8_t *c = cand + (size_t)f * row;
			long sum = 0;
			for (size_t i = 0; i < row; i++) {
				uint8_t pred = f == 1   ? (i >= 3 ? cur[i - 3] : 0)
					       : f == 2 ? prev[i]
							: 0;
				c[i] = (uint8_t)(cur[i] - pred);
				sum += c[i] < 128 ? c[i] : 256 - c[i];
			}
			if (best_sum < 0 || sum < best_sum)
				best_sum = sum, best = f;
		}
		uint8_t *o = out + y * (row + 1);
		o[0] = (uint8_t)best;
		memcpy(o + 1, cand + (size_t)best * row, row);
		uint8_t *t = cur;
		cur = prev;
		prev = t;
	}
	free(rgb);
	free(cand);
	*len = h * (row + 1);
	return out;
}

int vz_save_png(SDL_Surface *s, const char *path)
{
	if (SDL_MUSTLOCK(s) && SDL_LockSurface(s) != 0)
		return -1;
	size_t n = 0;
	uint8_t *raw = s->format->BytesPerPixel == 4 ? filtered_rows(s, &n) : NULL;
	if (SDL_MUSTLOCK(s))
		SDL_UnlockSurface(s);
	if (!raw)
		return -1;
	struct bits z = {0};
	put_byte(&z, 0x78); /* deflate, 32K window */
	put_byte(&z, 0x01); /* no dictionary, fastest; (0x78 * 256 + 1) % 31 == 0 */
	bool ok = deflate_fixed(&z, raw, n);
	uint32_t a = 1, b = 0; /* Adler-32 of the uncompressed data */
	for (size_t i = 0; i < n;) {
		/* 5552 bytes at most between reductions keep b below 2^32. */
		for (size_t end = i + 5552 < n ? i + 5552 : n; i < end; i++) {
			a += raw[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	free(raw);
	uint8_t ad[4];
	be32(ad, b << 16 | a);
	for (int i = 0; i < 4; i++)
		put_byte(&z, ad[i]);
	FILE *f = ok && !z.oom ? fopen(path, "wb") : NULL;
	if (!f) {
		free(z.buf);
		return -1;
	}
	uint8_t ihdr[13];
	be32(ihdr, (uint32_t)s->w);
	be32(ihdr + 4, (uint32_t)s->h);
	ihdr[8] = 8;  /* bits per sample */
	ihdr[9] = 2;  /* RGB */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filters */
	ihdr[12] = 0; /* not interlaced */
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) &&
	     chunk(f, "IDAT", z.buf, z.len) && chunk(f, "IEND", NULL, 0);
	free(z.buf);
	ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}
