/*
 * Input routing (core/input.h): the UI calls in, the machine's keyboard
 * and mouse devices registered themselves.
 */
#include "core/input.h"

#include <linux/input-event-codes.h>
#include <string.h>

#include "core/bytes.h"
#include "core/machine.h"
#include "core/replay.h"

/* Under -icount rr= every event goes through the "input" replay channel
 * (core/replay.h): 'k' keycode(le16) down(u8), or 'm' dx dy dz
 * buttons (le32 each). */
enum { INPUT_RR_KEY = 'k', INPUT_RR_MOUSE = 'm' };

static void input_deliver(void *opaque, const uint8_t *ev, size_t len)
{
    Machine *m = opaque;
    if (len == 4 && ev[0] == INPUT_RR_KEY && m->input.key) {
        m->input.key(m->input.key_opaque, get_le16(ev + 1), ev[3] != 0);
    } else if (len == 17 && ev[0] == INPUT_RR_MOUSE && m->input.mouse) {
        m->input.mouse(m->input.mouse_opaque, (int32_t)get_le32(ev + 1), (int32_t)get_le32(ev + 5),
                       (int32_t)get_le32(ev + 9), get_le32(ev + 13));
    }
}

/* The channel exists once a device takes input, so a replay maps the
 * recorded events before the first is due. */
static void input_rr_attach(Machine *m)
{
    if (!m->input.rr && (replay_recording(m) || replay_replaying(m)))
        m->input.rr = replay_channel(m, "input", input_deliver, m);
}

void input_set_keyboard(Machine *m, InputKeyHandler *handler, void *opaque)
{
    m->input.key = handler;
    m->input.key_opaque = opaque;
    if (handler) input_rr_attach(m);
}

void input_set_mouse(Machine *m, InputMouseHandler *handler, void *opaque)
{
    m->input.mouse = handler;
    m->input.mouse_opaque = opaque;
    if (handler) input_rr_attach(m);
}

static void input_send(Machine *m, const uint8_t *ev, size_t len)
{
    if (m->input.rr)
        replay_input(m->input.rr, ev, len);
    else
        input_deliver(m, ev, len);
}

bool input_key_event(Machine *m, int keycode, bool down)
{
    if (!m || !m->input.key || keycode <= 0 || keycode > KEY_MAX) return false;
    uint8_t ev[4] = {INPUT_RR_KEY, 0, 0, down};
    put_le16(ev + 1, (uint32_t)keycode);
    input_send(m, ev, sizeof ev);
    return true;
}

bool input_mouse_event(Machine *m, int dx, int dy, int dz, unsigned buttons)
{
    if (!m || !m->input.mouse) return false;
    uint8_t ev[17] = {INPUT_RR_MOUSE};
    put_le32(ev + 1, (uint32_t)dx);
    put_le32(ev + 5, (uint32_t)dy);
    put_le32(ev + 9, (uint32_t)dz);
    put_le32(ev + 13, buttons);
    input_send(m, ev, sizeof ev);
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
