/*
 * The SDL2 window (-display sdl): shows the machine's display surface,
 * sends keyboard and mouse input to the machine (core/input.h).
 */
#ifndef DOPPEL_UI_SDL_H
#define DOPPEL_UI_SDL_H

#include <stddef.h>

#include "ui/display.h"

/* Open the window; NULL with one line in err if SDL cannot. */
UiDisplay *sdl_display_open(Machine *m, char *err, size_t errlen);
/* NULL is ignored. */
void sdl_display_close(UiDisplay *d);

#endif
