/*
 * -display sdl: an SDL2 window showing the machine's display.  A 30 Hz
 * CLK_REALTIME timer on the main thread pumps SDL's events and redraws,
 * so nothing polls in between.  Keys go to the machine as Linux key codes
 * (core/input.h), the mouse as relative motion while grabbed (a click in
 * the window grabs, Ctrl-Alt-G releases); closing the window quits.
 */
#include "ui/sdl.h"

#include <SDL2/SDL.h>
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/input.h"
#include "core/machine.h"

#define SDL_REFRESH_NS (1000000000ll / 30)

struct UiDisplay {
    Machine *m;
    Timer *timer;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    int tex_w, tex_h;
    DisplaySurface surf;
    bool grabbed;
    unsigned buttons;
};

/* SDL scan codes (USB HID usage ids) to Linux key codes. */
static const uint16_t sdl_to_linux[SDL_NUM_SCANCODES] = {
    [SDL_SCANCODE_A] = KEY_A,
    [SDL_SCANCODE_B] = KEY_B,
    [SDL_SCANCODE_C] = KEY_C,
    [SDL_SCANCODE_D] = KEY_D,
    [SDL_SCANCODE_E] = KEY_E,
    [SDL_SCANCODE_F] = KEY_F,
    [SDL_SCANCODE_G] = KEY_G,
    [SDL_SCANCODE_H] = KEY_H,
    [SDL_SCANCODE_I] = KEY_I,
    [SDL_SCANCODE_J] = KEY_J,
    [SDL_SCANCODE_K] = KEY_K,
    [SDL_SCANCODE_L] = KEY_L,
    [SDL_SCANCODE_M] = KEY_M,
    [SDL_SCANCODE_N] = KEY_N,
    [SDL_SCANCODE_O] = KEY_O,
    [SDL_SCANCODE_P] = KEY_P,
    [SDL_SCANCODE_Q] = KEY_Q,
    [SDL_SCANCODE_R] = KEY_R,
    [SDL_SCANCODE_S] = KEY_S,
    [SDL_SCANCODE_T] = KEY_T,
    [SDL_SCANCODE_U] = KEY_U,
    [SDL_SCANCODE_V] = KEY_V,
    [SDL_SCANCODE_W] = KEY_W,
    [SDL_SCANCODE_X] = KEY_X,
    [SDL_SCANCODE_Y] = KEY_Y,
    [SDL_SCANCODE_Z] = KEY_Z,
    [SDL_SCANCODE_1] = KEY_1,
    [SDL_SCANCODE_2] = KEY_2,
    [SDL_SCANCODE_3] = KEY_3,
    [SDL_SCANCODE_4] = KEY_4,
    [SDL_SCANCODE_5] = KEY_5,
    [SDL_SCANCODE_6] = KEY_6,
    [SDL_SCANCODE_7] = KEY_7,
    [SDL_SCANCODE_8] = KEY_8,
    [SDL_SCANCODE_9] = KEY_9,
    [SDL_SCANCODE_0] = KEY_0,
    [SDL_SCANCODE_RETURN] = KEY_ENTER,
    [SDL_SCANCODE_ESCAPE] = KEY_ESC,
    [SDL_SCANCODE_BACKSPACE] = KEY_BACKSPACE,
    [SDL_SCANCODE_TAB] = KEY_TAB,
    [SDL_SCANCODE_SPACE] = KEY_SPACE,
    [SDL_SCANCODE_MINUS] = KEY_MINUS,
    [SDL_SCANCODE_EQUALS] = KEY_EQUAL,
    [SDL_SCANCODE_LEFTBRACKET] = KEY_LEFTBRACE,
    [SDL_SCANCODE_RIGHTBRACKET] = KEY_RIGHTBRACE,
    [SDL_SCANCODE_BACKSLASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_NONUSHASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_SEMICOLON] = KEY_SEMICOLON,
    [SDL_SCANCODE_APOSTROPHE] = KEY_APOSTROPHE,
    [SDL_SCANCODE_GRAVE] = KEY_GRAVE,
    [SDL_SCANCODE_COMMA] = KEY_COMMA,
    [SDL_SCANCODE_PERIOD] = KEY_DOT,
    [SDL_SCANCODE_SLASH] = KEY_SLASH,
    [SDL_SCANCODE_CAPSLOCK] = KEY_CAPSLOCK,
    [SDL_SCANCODE_F1] = KEY_F1,
    [SDL_SCANCODE_F2] = KEY_F2,
    [SDL_SCANCODE_F3] = KEY_F3,
    [SDL_SCANCODE_F4] = KEY_F4,
    [SDL_SCANCODE_F5] = KEY_F5,
    [SDL_SCANCODE_F6] = KEY_F6,
    [SDL_SCANCODE_F7] = KEY_F7,
    [SDL_SCANCODE_F8] = KEY_F8,
    [SDL_SCANCODE_F9] = KEY_F9,
    [SDL_SCANCODE_F10] = KEY_F10,
    [SDL_SCANCODE_F11] = KEY_F11,
    [SDL_SCANCODE_F12] = KEY_F12,
    [SDL_SCANCODE_PRINTSCREEN] = KEY_SYSRQ,
    [SDL_SCANCODE_SCROLLLOCK] = KEY_SCROLLLOCK,
    [SDL_SCANCODE_PAUSE] = KEY_PAUSE,
    [SDL_SCANCODE_INSERT] = KEY_INSERT,
    [SDL_SCANCODE_HOME] = KEY_HOME,
    [SDL_SCANCODE_PAGEUP] = KEY_PAGEUP,
    [SDL_SCANCODE_DELETE] = KEY_DELETE,
    [SDL_SCANCODE_END] = KEY_END,
    [SDL_SCANCODE_PAGEDOWN] = KEY_PAGEDOWN,
    [SDL_SCANCODE_RIGHT] = KEY_RIGHT,
    [SDL_SCANCODE_LEFT] = KEY_LEFT,
    [SDL_SCANCODE_DOWN] = KEY_DOWN,
    [SDL_SCANCODE_UP] = KEY_UP,
    [SDL_SCANCODE_NUMLOCKCLEAR] = KEY_NUMLOCK,
    [SDL_SCANCODE_KP_DIVIDE] = KEY_KPSLASH,
    [SDL_SCANCODE_KP_MULTIPLY] = KEY_KPASTERISK,
    [SDL_SCANCODE_KP_MINUS] = KEY_KPMINUS,
    [SDL_SCANCODE_KP_PLUS] = KEY_KPPLUS,
    [SDL_SCANCODE_KP_ENTER] = KEY_KPENTER,
    [SDL_SCANCODE_KP_1] = KEY_KP1,
    [SDL_SCANCODE_KP_2] = KEY_KP2,
    [SDL_SCANCODE_KP_3] = KEY_KP3,
    [SDL_SCANCODE_KP_4] = KEY_KP4,
    [SDL_SCANCODE_KP_5] = KEY_KP5,
    [SDL_SCANCODE_KP_6] = KEY_KP6,
    [SDL_SCANCODE_KP_7] = KEY_KP7,
    [SDL_SCANCODE_KP_8] = KEY_KP8,
    [SDL_SCANCODE_KP_9] = KEY_KP9,
    [SDL_SCANCODE_KP_0] = KEY_KP0,
    [SDL_SCANCODE_KP_PERIOD] = KEY_KPDOT,
    [SDL_SCANCODE_NONUSBACKSLASH] = KEY_102ND,
    [SDL_SCANCODE_APPLICATION] = KEY_COMPOSE,
    [SDL_SCANCODE_LCTRL] = KEY_LEFTCTRL,
    [SDL_SCANCODE_LSHIFT] = KEY_LEFTSHIFT,
    [SDL_SCANCODE_LALT] = KEY_LEFTALT,
    [SDL_SCANCODE_LGUI] = KEY_LEFTMETA,
    [SDL_SCANCODE_RCTRL] = KEY_RIGHTCTRL,
    [SDL_SCANCODE_RSHIFT] = KEY_RIGHTSHIFT,
    [SDL_SCANCODE_RALT] = KEY_RIGHTALT,
    [SDL_SCANCODE_RGUI] = KEY_RIGHTMETA,
};

static void sdl_set_grab(UiDisplay *d, bool grab)
{
    d->grabbed = grab;
    SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowTitle(d->window, grab ? "doppel - Ctrl-Alt-G releases the mouse" : "doppel");
}

static void sdl_key(UiDisplay *d, const SDL_KeyboardEvent *k)
{
    bool down = k->type == SDL_KEYDOWN;
    SDL_Keymod mods = SDL_GetModState();
    if (down && k->keysym.scancode == SDL_SCANCODE_G && (mods & KMOD_CTRL) && (mods & KMOD_ALT)) {
        sdl_set_grab(d, !d->grabbed);
        return;
    }
    if (k->repeat && !down) return;
    unsigned code =
        (unsigned)k->keysym.scancode < SDL_NUM_SCANCODES ? sdl_to_linux[k->keysym.scancode] : 0;
    if (code) input_key_event(d->m, (int)code, down);
}

static unsigned sdl_button_bit(uint8_t button)
{
    switch (button) {
    case SDL_BUTTON_LEFT: return INPUT_BUTTON_LEFT;
    case SDL_BUTTON_RIGHT: return INPUT_BUTTON_RIGHT;
    case SDL_BUTTON_MIDDLE: return INPUT_BUTTON_MIDDLE;
    default: return 0;
    }
}

static void sdl_event(UiDisplay *d, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: machine_request_exit(d->m, 0); break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: sdl_key(d, &e->key); break;
    case SDL_MOUSEMOTION:
        if (d->grabbed) input_mouse_event(d->m, e->motion.xrel, e->motion.yrel, 0, d->buttons);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (!d->grabbed) {
            if (e->type == SDL_MOUSEBUTTONDOWN) sdl_set_grab(d, true); /* click grabs */
            break;
        }
        if (e->type == SDL_MOUSEBUTTONDOWN)
            d->buttons |= sdl_button_bit(e->button.button);
        else
            d->buttons &= ~sdl_button_bit(e->button.button);
        input_mouse_event(d->m, 0, 0, 0, d->buttons);
        break;
    case SDL_MOUSEWHEEL:
        if (d->grabbed) input_mouse_event(d->m, 0, 0, e->wheel.y, d->buttons);
        break;
    default: break;
    }
}

/* Render the machine's picture and show it, resizing with the mode. */
static void sdl_redraw(UiDisplay *d)
{
    if (!display_render(d->m, &d->surf)) return;
    if (d->surf.width != d->tex_w || d->surf.height != d->tex_h) {
        if (d->texture) SDL_DestroyTexture(d->texture);
        d->texture = SDL_CreateTexture(d->renderer, SDL_PIXELFORMAT_RGB888,
                                       SDL_TEXTUREACCESS_STREAMING, d->surf.width, d->surf.height);
        d->tex_w = d->surf.width;
        d->tex_h = d->surf.height;
        SDL_SetWindowSize(d->window, d->tex_w, d->tex_h);
    }
    if (!d->texture) return;
    SDL_UpdateTexture(d->texture, NULL, d->surf.pixels, d->surf.stride * 4);
    SDL_RenderClear(d->renderer);
    SDL_RenderCopy(d->renderer, d->texture, NULL, NULL);
    SDL_RenderPresent(d->renderer);
}

static void sdl_tick(void *opaque)
{
    UiDisplay *d = opaque;
    SDL_Event e;
    while (SDL_PollEvent(&e))
        sdl_event(d, &e);
    sdl_redraw(d);
    timer_mod(d->timer, clock_get_ns(d->m->clocks, CLK_REALTIME) + SDL_REFRESH_NS);
}

/* SDL falls back to drivers that show nothing (offscreen, dummy) when
 * there is no display; those only count when SDL_VIDEODRIVER asks. */
static bool sdl_driver_usable(void)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    if (!driver) return false;
    if (strcmp(driver, "offscreen") != 0 && strcmp(driver, "dummy") != 0) return true;
    const char *asked = getenv("SDL_VIDEODRIVER");
    return asked && strcmp(asked, driver) == 0;
}

UiDisplay *sdl_display_open(Machine *m, char *err, size_t errlen)
{
    err[0] = '\0';
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "-display sdl: cannot open a window: %s", SDL_GetError());
        return NULL;
    }
    if (!sdl_driver_usable()) {
        snprintf(err, errlen, "-display sdl: cannot open a window: no display (is DISPLAY set?)");
        SDL_Quit();
        return NULL;
    }
    UiDisplay *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "-display sdl: out of memory");
        SDL_Quit();
        return NULL;
    }
    d->m = m;
    d->window =
        SDL_CreateWindow("doppel", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 640, 480, 0);
    d->renderer = d->window ? SDL_CreateRenderer(d->window, -1, 0) : NULL;
    if (!d->renderer) {
        snprintf(err, errlen, "-display sdl: cannot open a window: %s", SDL_GetError());
        sdl_display_close(d);
        return NULL;
    }
    d->timer = timer_new(m->clocks, CLK_REALTIME, sdl_tick, d);
    timer_mod(d->timer, clock_get_ns(m->clocks, CLK_REALTIME));
    return d;
}

void sdl_display_close(UiDisplay *d)
{
    if (!d) return;
    if (d->timer) timer_free(d->timer);
    if (d->texture) SDL_DestroyTexture(d->texture);
    if (d->renderer) SDL_DestroyRenderer(d->renderer);
    if (d->window) SDL_DestroyWindow(d->window);
    display_surface_release(&d->surf);
    free(d);
    SDL_Quit();
}
