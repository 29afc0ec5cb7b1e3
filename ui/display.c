/*
 * The display registry and surfaces (ui/display.h), and the choice of
 * front end from the command line.
 */
#include "ui/display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/options.h"
#include "ui/sdl.h"

bool display_surface_resize(DisplaySurface *s, int w, int h)
{
    if (w <= 0 || h <= 0) w = h = 1;
    size_t need = (size_t)w * (size_t)h;
    if (need > s->capacity) {
        uint32_t *p = realloc(s->pixels, need * sizeof *p);
        if (!p) return false;
        s->pixels = p;
        s->capacity = need;
    }
    s->width = w;
    s->height = h;
    s->stride = w;
    return true;
}

void display_surface_release(DisplaySurface *s)
{
    free(s->pixels);
    memset(s, 0, sizeof *s);
}

bool display_register(Machine *m, DisplaySource *src)
{
    if (!m) return true; /* unit tests without a machine */
    if (machine_find_bus(m, DISPLAY_BUS_NAME)) return false;
    return machine_add_bus(m, DISPLAY_BUS_NAME, src);
}

void display_unregister(Machine *m, DisplaySource *src)
{
    if (m && machine_find_bus(m, DISPLAY_BUS_NAME) == src) machine_remove_bus(m, src);
}

DisplaySource *display_find(Machine *m)
{
    return m ? machine_find_bus(m, DISPLAY_BUS_NAME) : NULL;
}

bool display_render(Machine *m, DisplaySurface *surf)
{
    DisplaySource *src = display_find(m);
    return src && src->render(src->opaque, surf);
}

UiDisplay *ui_display_start(Machine *m, char *err, size_t errlen)
{
    err[0] = '\0';
    const Options *o = m->opts;
    if (!o || o->nographic || !o->display || strncmp(o->display, "sdl", 3) != 0) return NULL;
    return sdl_display_open(m, err, errlen);
}

void ui_display_stop(UiDisplay *d)
{
    sdl_display_close(d);
}
