/*
 * PNG images of the view (viz_internal.h), written by libpng: 8-bit RGB,
 * libpng's adaptive row filters and zlib's default compression.  A view is
 * mostly flat colour, so a frame is far smaller than its BMP.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

/* One row of the surface as RGB bytes. */
static void rgb_row(SDL_Surface *s, int y, uint8_t *out)
{
	const uint8_t *src = (const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
	for (int x = 0; x < s->w; x++) {
		Uint32 px;
		memcpy(&px, src + 4 * (size_t)x, 4);
		uint8_t *o = out + 3 * (size_t)x;
		if (s->format->format == SDL_PIXELFORMAT_RGB888) {
			/* The viewer's own surfaces: the fast way. */
			o[0] = (uint8_t)(px >> 16);
			o[1] = (uint8_t)(px >> 8);
			o[2] = (uint8_t)px;
		} else {
			SDL_GetRGB(px, s->format, &o[0], &o[1], &o[2]);
		}
	}
}

/* Writes the rows; libpng reports an error by jumping back here, so what the
 * jump must see is set up by the caller. */
static int write_png(FILE *f, SDL_Surface *s, uint8_t *row)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)s->w, (png_uint_32)s->h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < s->h; y++) {
		rgb_row(s, y, row);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int vz_save_png(SDL_Surface *s, const char *path)
{
	if (s->format->BytesPerPixel != 4 || s->w <= 0 || s->h <= 0)
		return -1;
	uint8_t *row = malloc(3 * (size_t)s->w);
	FILE *f = row ? fopen(path, "wb") : NULL;
	if (!f) {
		free(row);
		return -1;
	}
	if (SDL_MUSTLOCK(s) && SDL_LockSurface(s) != 0) {
		fclose(f);
		free(row);
		return -1;
	}
	int rc = write_png(f, s, row);
	if (SDL_MUSTLOCK(s))
		SDL_UnlockSurface(s);
	free(row);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
