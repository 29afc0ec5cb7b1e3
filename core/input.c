/*
 * Input routing (core/input.h): the UI calls in, the machine's keyboard
 * and mouse devices registered themselves.
 */
#include "core/input.h"

#include <linux/input-event-codes.h>
#include <string.h>

#include "core/machine.h"

void input_set_keyboard(Machine *m, InputKeyHandler *handler, void *opaque)
{
    m->input.key = handler;
    m->input.key_opaque = opaque;
}

void input_set_mouse(Machine *m, InputMouseHandler *handler, void *opaque)
{
    m->input.mouse = handler;
    m->input.mouse_opaque = opaque;
}

bool input_key_event(Machine *m, int keycode, bool down)
{
    if (!m || !m->input.key || keycode <= 0 || keycode > KEY_MAX) return false;
    m->input.key(m->input.key_opaque, keycode, down);
    return true;
}

bool input_mouse_event(Machine *m, int dx, int dy, int dz, unsigned buttons)
{
    if (!m || !m->input.mouse) return false;
    m->input.mouse(m->input.mouse_opaque, dx, dy, dz, buttons);
    return true;
}

/* QEMU's qcode names for sendkey (the monitor's vocabulary). */
static const struct {
    const char *name;
    int keycode;
} key_names[] = {
    {"esc", KEY_ESC},
    {"1", KEY_1},
    {"2", KEY_2},
    {"3", KEY_3},
    {"4", KEY_4},
    {"5", KEY_5},
    {"6", KEY_6},
    {"7", KEY_7},
    {"8", KEY_8},
    {"9", KEY_9},
    {"0", KEY_0},
    {"minus", KEY_MINUS},
    {"equal", KEY_EQUAL},
    {"backspace", KEY_BACKSPACE},
    {"tab", KEY_TAB},
    {"q", KEY_Q},
    {"w", KEY_W},
    {"e", KEY_E},
    {"r", KEY_R},
    {"t", KEY_T},
    {"y", KEY_Y},
    {"u", KEY_U},
    {"i", KEY_I},
    {"o", KEY_O},
    {"p", KEY_P},
    {"bracket_left", KEY_LEFTBRACE},
    {"bracket_right", KEY_RIGHTBRACE},
    {"ret", KEY_ENTER},
    {"ctrl", KEY_LEFTCTRL},
    {"a", KEY_A},
    {"s", KEY_S},
    {"d", KEY_D},
    {"f", KEY_F},
    {"g", KEY_G},
    {"h", KEY_H},
    {"j", KEY_J},
    {"k", KEY_K},
    {"l", KEY_L},
    {"semicolon", KEY_SEMICOLON},
    {"apostrophe", KEY_APOSTROPHE},
    {"grave_accent", KEY_GRAVE},
    {"shift", KEY_LEFTSHIFT},
    {"backslash", KEY_BACKSLASH},
    {"z", KEY_Z},
    {"x", KEY_X},
    {"c", KEY_C},
    {"v", KEY_V},
    {"b", KEY_B},
    {"n", KEY_N},
    {"m", KEY_M},
    {"comma", KEY_COMMA},
    {"dot", KEY_DOT},
    {"slash", KEY_SLASH},
    {"shift_r", KEY_RIGHTSHIFT},
    {"asterisk", KEY_KPASTERISK},
    {"alt", KEY_LEFTALT},
    {"spc", KEY_SPACE},
    {"caps_lock", KEY_CAPSLOCK},
    {"f1", KEY_F1},
    {"f2", KEY_F2},
    {"f3", KEY_F3},
    {"f4", KEY_F4},
    {"f5", KEY_F5},
    {"f6", KEY_F6},
    {"f7", KEY_F7},
    {"f8", KEY_F8},
    {"f9", KEY_F9},
    {"f10", KEY_F10},
    {"num_lock", KEY_NUMLOCK},
    {"scroll_lock", KEY_SCROLLLOCK},
    {"kp_7", KEY_KP7},
    {"kp_8", KEY_KP8},
    {"kp_9", KEY_KP9},
    {"kp_subtract", KEY_KPMINUS},
    {"kp_4", KEY_KP4},
    {"kp_5", KEY_KP5},
    {"kp_6", KEY_KP6},
    {"kp_add", KEY_KPPLUS},
    {"kp_1", KEY_KP1},
    {"kp_2", KEY_KP2},
    {"kp_3", KEY_KP3},
    {"kp_0", KEY_KP0},
    {"kp_decimal", KEY_KPDOT},
    {"less", KEY_102ND},
    {"f11", KEY_F11},
    {"f12", KEY_F12},
    {"kp_enter", KEY_KPENTER},
    {"ctrl_r", KEY_RIGHTCTRL},
    {"kp_divide", KEY_KPSLASH},
    {"print", KEY_SYSRQ},
    {"sysrq", KEY_SYSRQ},
    {"alt_r", KEY_RIGHTALT},
    {"home", KEY_HOME},
    {"up", KEY_UP},
    {"pgup", KEY_PAGEUP},
    {"left", KEY_LEFT},
    {"right", KEY_RIGHT},
    {"end", KEY_END},
    {"down", KEY_DOWN},
    {"pgdn", KEY_PAGEDOWN},
    {"insert", KEY_INSERT},
    {"delete", KEY_DELETE},
    {"pause", KEY_PAUSE},
    {"meta_l", KEY_LEFTMETA},
    {"meta_r", KEY_RIGHTMETA},
    {"menu", KEY_COMPOSE},
};

int input_keycode_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (!strcmp(key_names[i].name, name)) return key_names[i].keycode;
    return -1;
}
