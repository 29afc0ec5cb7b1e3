/*
 * Keyboard and mouse input from the user interface (SDL window, monitor
 * sendkey, VNC later) to the machine's input devices (the PC's 8042 and
 * PS/2 devices).  Keys are Linux input event codes (KEY_A, KEY_LEFTSHIFT,
 * ... from <linux/input-event-codes.h>): a physical-key numbering every
 * front end can map to and every device can map from (the 8042 to scan
 * code sets 1 and 2).  Each machine has at most one keyboard and one mouse
 * sink; a device registers itself at realize and unregisters at finalize.
 */
#ifndef DOPPEL_INPUT_H
#define DOPPEL_INPUT_H

#include <stdbool.h>

typedef struct Machine Machine;

typedef void InputKeyHandler(void *opaque, int keycode, bool down);
/* Relative motion (dz: wheel, positive = away from the user) and the
 * buttons held (INPUT_BUTTON_* mask). */
typedef void InputMouseHandler(void *opaque, int dx, int dy, int dz, unsigned buttons);

enum {
    INPUT_BUTTON_LEFT = 1u << 0,
    INPUT_BUTTON_RIGHT = 1u << 1,
    INPUT_BUTTON_MIDDLE = 1u << 2,
};

void input_set_keyboard(Machine *m, InputKeyHandler *handler, void *opaque);
void input_set_mouse(Machine *m, InputMouseHandler *handler, void *opaque);
/* Dropped (false) when no device takes them. */
bool input_key_event(Machine *m, int keycode, bool down);
bool input_mouse_event(Machine *m, int dx, int dy, int dz, unsigned buttons);
/* Key names of the monitor's sendkey ("a", "ctrl", "alt", "f1", "ret",
 * "esc", "spc", ...: QEMU's qcode names) to keycodes; -1 if unknown. */
int input_keycode_from_name(const char *name);

#endif
