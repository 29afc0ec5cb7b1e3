/*
 * What a display front end sees of the machine's graphics device: a
 * surface of 32-bit XRGB pixels (0x00RRGGBB) rendered on request.  The
 * graphics device registers one DisplaySource per machine (under the
 * machine bus name "display"); front ends (the SDL window, screendump,
 * QMP) ask for a fresh picture when they need one, so a headless machine
 * pays nothing for its display.
 *
 *     DisplaySurface surf = {0};
 *     if (display_render(m, &surf)) ... surf.width, surf.height, surf.pixels ...
 *     display_surface_release(&surf);
 */
#ifndef DOPPEL_UI_DISPLAY_H
#define DOPPEL_UI_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;

#define DISPLAY_BUS_NAME "display"

typedef struct DisplaySurface {
    int width, height;
    int stride;       /* pixels per row */
    uint32_t *pixels; /* 0x00RRGGBB */
    size_t capacity;  /* pixels allocated */
} DisplaySurface;

/* The graphics device's side: render the current picture into surf
 * (resizing it with display_surface_resize); false if it cannot. */
typedef struct DisplaySource {
    const char *name;
    bool (*render)(void *opaque, DisplaySurface *surf);
    void *opaque;
} DisplaySource;

/* Size the surface to w x h (stride w), keeping its buffer when it is
 * large enough; false if memory runs out.  Contents are undefined. */
bool display_surface_resize(DisplaySurface *s, int w, int h);
void display_surface_release(DisplaySurface *s);

/* One source per machine: false if one is registered already. */
bool display_register(Machine *m, DisplaySource *src);
void display_unregister(Machine *m, DisplaySource *src);
DisplaySource *display_find(Machine *m);
/* The current picture into surf; false if the machine has no display. */
bool display_render(Machine *m, DisplaySurface *surf);

/* ui/screendump.c: the surface as an 8-bit RGB PNG.  False with one line
 * in err (no "doppel:" prefix). */
bool display_write_png(const DisplaySurface *s, const char *path, char *err, size_t errlen);
/* The machine's current picture to path (monitor screendump, QMP). */
bool display_screendump(Machine *m, const char *path, char *err, size_t errlen);

/* The front end the command line asks for: -display sdl opens a window;
 * -display none, -nographic or no -display run headless (NULL with err
 * empty).  NULL with one line in err when the window cannot open. */
typedef struct UiDisplay UiDisplay;
UiDisplay *ui_display_start(Machine *m, char *err, size_t errlen);
/* Close the front end (before machine_destroy); NULL is ignored. */
void ui_display_stop(UiDisplay *d);

#endif
