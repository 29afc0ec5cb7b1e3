/*
 * Screendump: the display surface as a PNG file, 8-bit RGB, written with
 * libpng.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/display.h"

/* libpng reports errors by longjmp; the message goes to err. */
typedef struct PngErr {
    char *err;
    size_t errlen;
    const char *path;
} PngErr;

static void png_error_cb(png_structp png, png_const_charp msg)
{
    PngErr *e = png_get_error_ptr(png);
    snprintf(e->err, e->errlen, "%s: %s", e->path, msg);
    png_longjmp(png, 1);
}

static void png_warning_cb(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

bool display_write_png(const DisplaySurface *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    PngErr e = {err, errlen, path};
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, png_error_cb, png_warning_cb);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile row = malloc((size_t)s->width * 3 + 1);
    bool ok = png && info && row;
    if (!ok) snprintf(err, errlen, "%s: out of memory", path);
    if (ok && setjmp(png_jmpbuf(png))) ok = false;
    if (ok) {
        png_init_io(png, f);
        png_set_IHDR(png, info, (png_uint_32)s->width, (png_uint_32)s->height, 8,
                     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < s->height; y++) {
            const uint32_t *px = &s->pixels[(size_t)y * s->stride];
            for (int x = 0; x < s->width; x++) {
                row[3 * x] = (uint8_t)(px[x] >> 16);
                row[3 * x + 1] = (uint8_t)(px[x] >> 8);
                row[3 * x + 2] = (uint8_t)px[x];
            }
            png_write_row(png, row);
        }
        png_write_end(png, info);
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    if (fclose(f) != 0 && ok) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
        ok = false;
    }
    return ok;
}

bool display_screendump(Machine *m, const char *path, char *err, size_t errlen)
{
    DisplaySurface surf = {0};
    if (!display_find(m)) {
        snprintf(err, errlen, "this machine has no display");
        return false;
    }
    if (!display_render(m, &surf)) {
        snprintf(err, errlen, "cannot render the display");
        display_surface_release(&surf);
        return false;
    }
    bool ok = display_write_png(&surf, path, err, errlen);
    display_surface_release(&surf);
    return ok;
}
