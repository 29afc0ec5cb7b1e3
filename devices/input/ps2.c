/*
 * PS/2 keyboard and mouse (IBM PS/2 Hardware Interface Technical Reference,
 * "Keyboard/Auxiliary Device Controller", "Keyboard", "Pointing Device";
 * the command sets cross-checked against the OSDev wiki's pages).
 *
 * Keys arrive as Linux input codes and leave as scan code set 1 or set 2
 * bytes from one table.  Set 3 is accepted by F0 03 but produces set 2
 * codes (logged).  The mouse reports at once rather than at its sample
 * rate; motion beyond the 9-bit packet range sets the overflow bit and the
 * excess is dropped.
 */
#include "devices/input/ps2.h"

#include <linux/input-event-codes.h>
#include <stdio.h>

#include "core/device.h"
#include "core/input.h"
#include "core/log.h"
#include "core/machine.h"

#define PS2_QUEUE_SIZE 16

enum {
    PS2_ACK = 0xfa,
    PS2_RESEND = 0xfe,
    PS2_BAT_OK = 0xaa,
    PS2_ECHO = 0xee,
    PS2_BREAK = 0xf0, /* set 2 break prefix */
    PS2_E0 = 0xe0,
    PS2_E1 = 0xe1,
};

/* ---- common part: queue and command/argument framing ---- */

typedef struct PS2Common PS2Common;
struct PS2Common {
    Device dev;
    PS2NotifyFn *notify;
    void *notify_opaque;
    /* the device's command interpreter; true if it wants the next byte as argument */
    void (*command)(PS2Common *p, uint8_t cmd);
    bool (*argument)(PS2Common *p, uint8_t cmd, uint8_t arg);
    void (*drained)(PS2Common *p);

    uint8_t queue[PS2_QUEUE_SIZE];
    uint8_t head, count;
    uint8_t pending_cmd; /* command awaiting its argument (0: none) */
    uint8_t last_sent;   /* for Resend */
};

static unsigned ps2_free(const PS2Common *p)
{
    return PS2_QUEUE_SIZE - p->count;
}

static void ps2_push(PS2Common *p, uint8_t b)
{
    if (p->count == PS2_QUEUE_SIZE) return;
    p->queue[(p->head + p->count) % PS2_QUEUE_SIZE] = b;
    p->count++;
}

static void ps2_notify(PS2Common *p)
{
    if (p->count && p->notify) p->notify(p->notify_opaque);
}

static void ps2_clear(PS2Common *p)
{
    p->head = p->count = 0;
}

/* Replies: queued whole, then the controller is told once. */
static void ps2_reply(PS2Common *p, const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ps2_push(p, bytes[i]);
    ps2_notify(p);
}

static void ps2_ack(PS2Common *p)
{
    ps2_reply(p, (const uint8_t[]){PS2_ACK}, 1);
}

void ps2_write(Device *dev, uint8_t byte)
{
    PS2Common *p = (PS2Common *)dev;
    uint8_t cmd = p->pending_cmd;
    p->pending_cmd = 0;
    if (cmd && p->argument(p, cmd, byte)) return;
    p->command(p, byte);
}

bool ps2_peek(Device *dev, uint8_t *byte)
{
    PS2Common *p = (PS2Common *)dev;
    if (!p->count) return false;
    *byte = p->queue[p->head];
    return true;
}

void ps2_pop(Device *dev)
{
    PS2Common *p = (PS2Common *)dev;
    if (!p->count) return;
    p->last_sent = p->queue[p->head];
    p->head = (p->head + 1) % PS2_QUEUE_SIZE;
    p->count--;
    if (p->drained) p->drained(p);
}

static void ps2_common_post_load(PS2Common *p)
{
    p->head %= PS2_QUEUE_SIZE;
    if (p->count > PS2_QUEUE_SIZE) p->count = PS2_QUEUE_SIZE;
}

#define PS2_COMMON_VMSTATE(S)                                                                      \
    VMSTATE_U8_ARRAY(S, ps2.queue), VMSTATE_U8(S, ps2.head), VMSTATE_U8(S, ps2.count),             \
        VMSTATE_U8(S, ps2.pending_cmd), VMSTATE_U8(S, ps2.last_sent)

/* ---- keyboard ---- */

/* Make codes in sets 1 and 2; 0xe0xx carries the E0 prefix. */
typedef struct ScanCodes {
    uint16_t set1, set2;
} ScanCodes;

static const ScanCodes kbd_codes[KEY_WAKEUP + 1] = {
    [KEY_ESC] = {0x01, 0x76},
    [KEY_1] = {0x02, 0x16},
    [KEY_2] = {0x03, 0x1e},
    [KEY_3] = {0x04, 0x26},
    [KEY_4] = {0x05, 0x25},
    [KEY_5] = {0x06, 0x2e},
    [KEY_6] = {0x07, 0x36},
    [KEY_7] = {0x08, 0x3d},
    [KEY_8] = {0x09, 0x3e},
    [KEY_9] = {0x0a, 0x46},
    [KEY_0] = {0x0b, 0x45},
    [KEY_MINUS] = {0x0c, 0x4e},
    [KEY_EQUAL] = {0x0d, 0x55},
    [KEY_BACKSPACE] = {0x0e, 0x66},
    [KEY_TAB] = {0x0f, 0x0d},
    [KEY_Q] = {0x10, 0x15},
    [KEY_W] = {0x11, 0x1d},
    [KEY_E] = {0x12, 0x24},
    [KEY_R] = {0x13, 0x2d},
    [KEY_T] = {0x14, 0x2c},
    [KEY_Y] = {0x15, 0x35},
    [KEY_U] = {0x16, 0x3c},
    [KEY_I] = {0x17, 0x43},
    [KEY_O] = {0x18, 0x44},
    [KEY_P] = {0x19, 0x4d},
    [KEY_LEFTBRACE] = {0x1a, 0x54},
    [KEY_RIGHTBRACE] = {0x1b, 0x5b},
    [KEY_ENTER] = {0x1c, 0x5a},
    [KEY_LEFTCTRL] = {0x1d, 0x14},
    [KEY_A] = {0x1e, 0x1c},
    [KEY_S] = {0x1f, 0x1b},
    [KEY_D] = {0x20, 0x23},
    [KEY_F] = {0x21, 0x2b},
    [KEY_G] = {0x22, 0x34},
    [KEY_H] = {0x23, 0x33},
    [KEY_J] = {0x24, 0x3b},
    [KEY_K] = {0x25, 0x42},
    [KEY_L] = {0x26, 0x4b},
    [KEY_SEMICOLON] = {0x27, 0x4c},
    [KEY_APOSTROPHE] = {0x28, 0x52},
    [KEY_GRAVE] = {0x29, 0x0e},
    [KEY_LEFTSHIFT] = {0x2a, 0x12},
    [KEY_BACKSLASH] = {0x2b, 0x5d},
    [KEY_Z] = {0x2c, 0x1a},
    [KEY_X] = {0x2d, 0x22},
    [KEY_C] = {0x2e, 0x21},
    [KEY_V] = {0x2f, 0x2a},
    [KEY_B] = {0x30, 0x32},
    [KEY_N] = {0x31, 0x31},
    [KEY_M] = {0x32, 0x3a},
    [KEY_COMMA] = {0x33, 0x41},
    [KEY_DOT] = {0x34, 0x49},
    [KEY_SLASH] = {0x35, 0x4a},
    [KEY_RIGHTSHIFT] = {0x36, 0x59},
    [KEY_KPASTERISK] = {0x37, 0x7c},
    [KEY_LEFTALT] = {0x38, 0x11},
    [KEY_SPACE] = {0x39, 0x29},
    [KEY_CAPSLOCK] = {0x3a, 0x58},
    [KEY_F1] = {0x3b, 0x05},
    [KEY_F2] = {0x3c, 0x06},
    [KEY_F3] = {0x3d, 0x04},
    [KEY_F4] = {0x3e, 0x0c},
    [KEY_F5] = {0x3f, 0x03},
    [KEY_F6] = {0x40, 0x0b},
    [KEY_F7] = {0x41, 0x83},
    [KEY_F8] = {0x42, 0x0a},
    [KEY_F9] = {0x43, 0x01},
    [KEY_F10] = {0x44, 0x09},
    [KEY_NUMLOCK] = {0x45, 0x77},
    [KEY_SCROLLLOCK] = {0x46, 0x7e},
    [KEY_KP7] = {0x47, 0x6c},
    [KEY_KP8] = {0x48, 0x75},
    [KEY_KP9] = {0x49, 0x7d},
    [KEY_KPMINUS] = {0x4a, 0x7b},
    [KEY_KP4] = {0x4b, 0x6b},
    [KEY_KP5] = {0x4c, 0x73},
    [KEY_KP6] = {0x4d, 0x74},
    [KEY_KPPLUS] = {0x4e, 0x79},
    [KEY_KP1] = {0x4f, 0x69},
    [KEY_KP2] = {0x50, 0x72},
    [KEY_KP3] = {0x51, 0x7a},
    [KEY_KP0] = {0x52, 0x70},
    [KEY_KPDOT] = {0x53, 0x71},
    [KEY_102ND] = {0x56, 0x61},
    [KEY_F11] = {0x57, 0x78},
    [KEY_F12] = {0x58, 0x07},
    [KEY_RO] = {0x73, 0x51},
    [KEY_HENKAN] = {0x79, 0x64},
    [KEY_KATAKANAHIRAGANA] = {0x70, 0x13},
    [KEY_MUHENKAN] = {0x7b, 0x67},
    [KEY_YEN] = {0x7d, 0x6a},
    [KEY_KPENTER] = {0xe01c, 0xe05a},
    [KEY_RIGHTCTRL] = {0xe01d, 0xe014},
    [KEY_KPSLASH] = {0xe035, 0xe04a},
    [KEY_RIGHTALT] = {0xe038, 0xe011},
    [KEY_HOME] = {0xe047, 0xe06c},
    [KEY_UP] = {0xe048, 0xe075},
    [KEY_PAGEUP] = {0xe049, 0xe07d},
    [KEY_LEFT] = {0xe04b, 0xe06b},
    [KEY_RIGHT] = {0xe04d, 0xe074},
    [KEY_END] = {0xe04f, 0xe069},
    [KEY_DOWN] = {0xe050, 0xe072},
    [KEY_PAGEDOWN] = {0xe051, 0xe07a},
    [KEY_INSERT] = {0xe052, 0xe070},
    [KEY_DELETE] = {0xe053, 0xe071},
    [KEY_LEFTMETA] = {0xe05b, 0xe01f},
    [KEY_RIGHTMETA] = {0xe05c, 0xe027},
    [KEY_COMPOSE] = {0xe05d, 0xe02f},
    [KEY_MUTE] = {0xe020, 0xe023},
    [KEY_VOLUMEDOWN] = {0xe02e, 0xe021},
    [KEY_VOLUMEUP] = {0xe030, 0xe032},
    [KEY_POWER] = {0xe05e, 0xe037},
    [KEY_SLEEP] = {0xe05f, 0xe03f},
    [KEY_WAKEUP] = {0xe063, 0xe05e},
};

#define SCAN_SYSRQ_SET1 0x54 /* Alt+PrintScreen: set 2 0x84 */
#define SCAN_SYSRQ_SET2 0x84

uint8_t ps2_set2_to_set1(uint8_t code)
{
    if (code == 0x00) return 0xff; /* the overrun code of each set */
    if (code == SCAN_SYSRQ_SET2) return SCAN_SYSRQ_SET1;
    for (size_t k = 0; k < sizeof kbd_codes / sizeof kbd_codes[0]; k++) {
        if (kbd_codes[k].set2 && (kbd_codes[k].set2 & 0xff) == code)
            return (uint8_t)kbd_codes[k].set1;
    }
    return code; /* replies (FA, AA, EE, ...) and prefixes pass unchanged */
}

/* Multi-code keys: make and break sequences per set. */
typedef struct KeySequence {
    uint8_t len;
    uint8_t bytes[8];
} KeySequence;

static const KeySequence kbd_print_screen[2][2] = {
    /* [set 1, set 2][make, break] */
    {{4, {0xe0, 0x2a, 0xe0, 0x37}}, {4, {0xe0, 0xb7, 0xe0, 0xaa}}},
    {{4, {0xe0, 0x12, 0xe0, 0x7c}}, {6, {0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12}}},
};
/* Pause has no break code. */
static const KeySequence kbd_pause[2] = {
    {6, {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5}},
    {8, {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77}},
};

typedef struct PS2Kbd {
    PS2Common ps2;
    uint8_t scancode_set; /* 1, 2 or 3 */
    bool scanning;
    uint8_t leds;
    uint8_t typematic;
} PS2Kbd;

enum {
    KBD_CMD_LEDS = 0xed,
    KBD_CMD_ECHO = 0xee,
    KBD_CMD_SCANCODE_SET = 0xf0,
    KBD_CMD_IDENTIFY = 0xf2,
    KBD_CMD_TYPEMATIC = 0xf3,
    KBD_CMD_ENABLE = 0xf4,
    KBD_CMD_DEFAULT_DISABLE = 0xf5,
    KBD_CMD_SET_DEFAULT = 0xf6,
    KBD_CMD_RESEND = 0xfe,
    KBD_CMD_RESET = 0xff,
    KBD_TYPEMATIC_DEFAULT = 0x2b, /* 10.9 characters/s after 500 ms */
};

static void kbd_set_defaults(PS2Kbd *k)
{
    k->scancode_set = 2;
    k->typematic = KBD_TYPEMATIC_DEFAULT;
    k->leds = 0;
}

/* A key's bytes go in whole, leaving room for the set's overrun code,
 * which takes the last free byte when they do not fit. */
static void kbd_queue_key(PS2Kbd *k, const uint8_t *bytes, unsigned n)
{
    PS2Common *p = &k->ps2;
    if (ps2_free(p) > n) {
        for (unsigned i = 0; i < n; i++)
            ps2_push(p, bytes[i]);
    } else if (ps2_free(p) > 0) {
        ps2_push(p, k->scancode_set == 1 ? 0xff : 0x00);
    }
    ps2_notify(p);
}

static void kbd_key_event(void *opaque, int keycode, bool down)
{
    PS2Kbd *k = opaque;
    if (!k->scanning) return;
    int set = k->scancode_set == 1 ? 0 : 1;
    if (keycode == KEY_PAUSE) {
        if (down) kbd_queue_key(k, kbd_pause[set].bytes, kbd_pause[set].len);
        return;
    }
    if (keycode == KEY_SYSRQ) {
        const KeySequence *seq = &kbd_print_screen[set][down ? 0 : 1];
        kbd_queue_key(k, seq->bytes, seq->len);
        return;
    }
    if (keycode < 0 || (size_t)keycode >= sizeof kbd_codes / sizeof kbd_codes[0] ||
        !kbd_codes[keycode].set2) {
        LOG_MASK(LOG_UNIMP, "ps2-kbd: no scan code for key %d\n", keycode);
        return;
    }
    uint16_t code = set ? kbd_codes[keycode].set2 : kbd_codes[keycode].set1;
    uint8_t bytes[3];
    unsigned n = 0;
    if (code >> 8) bytes[n++] = PS2_E0;
    if (set == 0) {
        bytes[n++] = (uint8_t)(code | (down ? 0 : 0x80));
    } else {
        if (!down) bytes[n++] = PS2_BREAK;
        bytes[n++] = (uint8_t)code;
    }
    kbd_queue_key(k, bytes, n);
}

static bool kbd_argument(PS2Common *p, uint8_t cmd, uint8_t arg)
{
    PS2Kbd *k = (PS2Kbd *)p;
    if (arg >= KBD_CMD_LEDS) return false; /* a new command instead */
    switch (cmd) {
    case KBD_CMD_LEDS:
        k->leds = arg & 7;
        ps2_ack(p);
        return true;
    case KBD_CMD_TYPEMATIC:
        if (arg & 0x80) return false;
        k->typematic = arg;
        ps2_ack(p);
        return true;
    case KBD_CMD_SCANCODE_SET:
        if (arg == 0) {
            ps2_reply(p, (const uint8_t[]){PS2_ACK, k->scancode_set}, 2);
        } else if (arg <= 3) {
            if (arg == 3) LOG_MASK(LOG_UNIMP, "ps2-kbd: scan code set 3 sends set 2 codes\n");
            k->scancode_set = arg;
            ps2_ack(p);
        } else {
            ps2_reply(p, (const uint8_t[]){PS2_RESEND}, 1);
        }
        return true;
    }
    return false;
}

static void kbd_command(PS2Common *p, uint8_t cmd)
{
    PS2Kbd *k = (PS2Kbd *)p;
    switch (cmd) {
    case KBD_CMD_RESET:
        ps2_clear(p);
        kbd_set_defaults(k);
        k->scanning = true;
        ps2_reply(p, (const uint8_t[]){PS2_ACK, PS2_BAT_OK}, 2);
        break;
    case KBD_CMD_RESEND: ps2_reply(p, &p->last_sent, 1); break;
    case KBD_CMD_SET_DEFAULT:
        kbd_set_defaults(k);
        k->scanning = true;
        ps2_ack(p);
        break;
    case KBD_CMD_DEFAULT_DISABLE:
        ps2_clear(p);
        kbd_set_defaults(k);
        k->scanning = false;
        ps2_ack(p);
        break;
    case KBD_CMD_ENABLE:
        ps2_clear(p);
        k->scanning = true;
        ps2_ack(p);
        break;
    case KBD_CMD_LEDS:
    case KBD_CMD_TYPEMATIC:
    case KBD_CMD_SCANCODE_SET:
        p->pending_cmd = cmd;
        ps2_ack(p);
        break;
    case KBD_CMD_IDENTIFY: ps2_reply(p, (const uint8_t[]){PS2_ACK, 0xab, 0x83}, 3); break;
    case KBD_CMD_ECHO: ps2_reply(p, (const uint8_t[]){PS2_ECHO}, 1); break;
    case 0xf7 ... 0xfd: /* set 3 key types */
        LOG_MASK(LOG_UNIMP, "ps2-kbd: set 3 command %#x ignored\n", cmd);
        ps2_ack(p);
        break;
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "ps2-kbd: unknown command %#x\n", cmd);
        ps2_reply(p, (const uint8_t[]){PS2_RESEND}, 1);
        break;
    }
}

static void kbd_reset(Device *dev)
{
    PS2Kbd *k = (PS2Kbd *)dev;
    ps2_clear(&k->ps2);
    k->ps2.pending_cmd = 0;
    kbd_set_defaults(k);
    k->scanning = true;
}

static bool kbd_realize(Device *dev, Machine *m)
{
    PS2Kbd *k = (PS2Kbd *)dev;
    k->ps2.command = kbd_command;
    k->ps2.argument = kbd_argument;
    if (m) input_set_keyboard(m, kbd_key_event, k);
    return true;
}

static void kbd_finalize(Device *dev)
{
    Machine *m = dev->machine;
    if (m && m->input.key_opaque == dev) input_set_keyboard(m, NULL, NULL);
}

static void kbd_post_load(Device *dev)
{
    PS2Kbd *k = (PS2Kbd *)dev;
    ps2_common_post_load(&k->ps2);
    if (k->scancode_set < 1 || k->scancode_set > 3) k->scancode_set = 2;
}

static const VMStateField kbd_vmstate[] = {
    PS2_COMMON_VMSTATE(PS2Kbd), VMSTATE_U8(PS2Kbd, scancode_set), VMSTATE_BOOL(PS2Kbd, scanning),
    VMSTATE_U8(PS2Kbd, leds),   VMSTATE_U8(PS2Kbd, typematic),    VMSTATE_END,
};

static const DeviceClass ps2_kbd_class = {
    .name = "ps2-kbd",
    .desc = "PS/2 keyboard (scan code sets 1 and 2)",
    .instance_size = sizeof(PS2Kbd),
    .vmstate = kbd_vmstate,
    .vmstate_version = 1,
    .realize = kbd_realize,
    .reset = kbd_reset,
    .post_load = kbd_post_load,
    .finalize = kbd_finalize,
};
DEVICE_REGISTER(ps2_kbd_class)

/* ---- mouse ---- */

typedef struct PS2Mouse {
    PS2Common ps2;
    uint8_t sample_rate;
    uint8_t resolution;
    bool scaling_2to1;
    bool remote;
    bool reporting;
    bool wrap;
    uint8_t id;              /* 0, or 3 for the IntelliMouse wheel */
    uint8_t rate_history[3]; /* last sample rates set, newest last */
    int32_t dx, dy, dz;      /* motion not yet reported (PS/2 axes: Y up) */
    uint8_t buttons;         /* left 1, right 2, middle 4 */
    uint8_t reported_buttons;
} PS2Mouse;

enum {
    MOUSE_CMD_SCALING_1TO1 = 0xe6,
    MOUSE_CMD_SCALING_2TO1 = 0xe7,
    MOUSE_CMD_RESOLUTION = 0xe8,
    MOUSE_CMD_STATUS = 0xe9,
    MOUSE_CMD_STREAM = 0xea,
    MOUSE_CMD_READ_DATA = 0xeb,
    MOUSE_CMD_RESET_WRAP = 0xec,
    MOUSE_CMD_WRAP = 0xee,
    MOUSE_CMD_REMOTE = 0xf0,
    MOUSE_CMD_GET_ID = 0xf2,
    MOUSE_CMD_SAMPLE_RATE = 0xf3,
    MOUSE_CMD_ENABLE = 0xf4,
    MOUSE_CMD_DISABLE = 0xf5,
    MOUSE_CMD_SET_DEFAULT = 0xf6,
    MOUSE_CMD_RESEND = 0xfe,
    MOUSE_CMD_RESET = 0xff,

    PKT_ALWAYS1 = 0x08,
    PKT_X_SIGN = 0x10,
    PKT_Y_SIGN = 0x20,
    PKT_X_OVERFLOW = 0x40,
    PKT_Y_OVERFLOW = 0x80,

    MOUSE_ID_INTELLIMOUSE = 3,
};

/* The IntelliMouse knock: sample rates 200, 100, 80 in a row. */
static const uint8_t mouse_wheel_knock[3] = {200, 100, 80};

static void mouse_set_defaults(PS2Mouse *ms)
{
    ms->sample_rate = 100;
    ms->resolution = 2; /* 4 counts/mm */
    ms->scaling_2to1 = false;
    ms->remote = false;
    ms->reporting = false;
    ms->dx = ms->dy = ms->dz = 0;
}

/* "Scaling": 2:1 maps the counts of one report through a table. */
static int mouse_scale(const PS2Mouse *ms, int v)
{
    static const int small[6] = {0, 1, 1, 3, 6, 9};
    if (!ms->scaling_2to1) return v;
    int a = v < 0 ? -v : v, r = a < 6 ? small[a] : 2 * a;
    return v < 0 ? -r : r;
}

static int mouse_clamp(int v, int lo, int hi, bool *overflow)
{
    *overflow = v < lo || v > hi;
    return v < lo ? lo : v > hi ? hi : v;
}

/* Queue one movement data packet if it fits; the motion is consumed. */
static bool mouse_queue_packet(PS2Mouse *ms)
{
    PS2Common *p = &ms->ps2;
    unsigned len = ms->id == MOUSE_ID_INTELLIMOUSE ? 4 : 3;
    if (ps2_free(p) < len) return false;
    bool ox, oy, oz;
    int dx = mouse_clamp(mouse_scale(ms, ms->dx), -256, 255, &ox);
    int dy = mouse_clamp(mouse_scale(ms, ms->dy), -256, 255, &oy);
    int dz = mouse_clamp(ms->dz, -8, 7, &oz);
    uint8_t b0 = PKT_ALWAYS1 | (ms->buttons & 7) | (dx < 0 ? PKT_X_SIGN : 0) |
                 (dy < 0 ? PKT_Y_SIGN : 0) | (ox ? PKT_X_OVERFLOW : 0) | (oy ? PKT_Y_OVERFLOW : 0);
    ps2_push(p, b0);
    ps2_push(p, (uint8_t)dx);
    ps2_push(p, (uint8_t)dy);
    if (len == 4) ps2_push(p, (uint8_t)dz);
    ms->dx = ms->dy = ms->dz = 0;
    ms->reported_buttons = ms->buttons;
    return true;
}

/* Stream mode: report pending motion or button changes. */
static void mouse_stream(PS2Mouse *ms)
{
    if (ms->remote || !ms->reporting || ms->wrap) return;
    if (!ms->dx && !ms->dy && !ms->dz && ms->buttons == ms->reported_buttons) return;
    if (mouse_queue_packet(ms)) ps2_notify(&ms->ps2);
}

static int32_t mouse_accumulate(int32_t acc, int delta)
{
    int64_t v = (int64_t)acc + delta;
    return (int32_t)(v < -65536 ? -65536 : v > 65536 ? 65536 : v);
}

static void mouse_event(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
    PS2Mouse *ms = opaque;
    /* core/input.h: dy grows downwards, dz away from the user; PS/2 Y grows
     * upwards and the IntelliMouse Z towards the user. */
    ms->dx = mouse_accumulate(ms->dx, dx);
    ms->dy = mouse_accumulate(ms->dy, -dy);
    ms->dz = mouse_accumulate(ms->dz, -dz);
    ms->buttons = buttons & 7;
    mouse_stream(ms);
}

static void mouse_drained(PS2Common *p)
{
    mouse_stream((PS2Mouse *)p);
}

static void mouse_note_rate(PS2Mouse *ms, uint8_t rate)
{
    ms->rate_history[0] = ms->rate_history[1];
    ms->rate_history[1] = ms->rate_history[2];
    ms->rate_history[2] = rate;
    if (ms->rate_history[0] == mouse_wheel_knock[0] &&
        ms->rate_history[1] == mouse_wheel_knock[1] && ms->rate_history[2] == mouse_wheel_knock[2])
        ms->id = MOUSE_ID_INTELLIMOUSE;
}

static bool mouse_argument(PS2Common *p, uint8_t cmd, uint8_t arg)
{
    PS2Mouse *ms = (PS2Mouse *)p;
    switch (cmd) {
    case MOUSE_CMD_SAMPLE_RATE:
        ms->sample_rate = arg;
        mouse_note_rate(ms, arg);
        ps2_ack(p);
        return true;
    case MOUSE_CMD_RESOLUTION:
        if (arg > 3) {
            ps2_reply(p, (const uint8_t[]){PS2_RESEND}, 1);
            return true;
        }
        ms->resolution = arg;
        ps2_ack(p);
        return true;
    }
    return false;
}

static uint8_t mouse_status_byte(const PS2Mouse *ms)
{
    /* Status Request: remote, enable, scaling, then left, middle, right. */
    return (uint8_t)((ms->remote ? 0x40 : 0) | (ms->reporting ? 0x20 : 0) |
                     (ms->scaling_2to1 ? 0x10 : 0) | (ms->buttons & INPUT_BUTTON_LEFT ? 0x04 : 0) |
                     (ms->buttons & INPUT_BUTTON_MIDDLE ? 0x02 : 0) |
                     (ms->buttons & INPUT_BUTTON_RIGHT ? 0x01 : 0));
}

static void mouse_command(PS2Common *p, uint8_t cmd)
{
    PS2Mouse *ms = (PS2Mouse *)p;
    if (ms->wrap && cmd != MOUSE_CMD_RESET && cmd != MOUSE_CMD_RESET_WRAP) {
        ps2_reply(p, &cmd, 1); /* wrap mode echoes */
        return;
    }
    switch (cmd) {
    case MOUSE_CMD_RESET:
        ps2_clear(p);
        mouse_set_defaults(ms);
        ms->wrap = false;
        ms->id = 0;
        ps2_reply(p, (const uint8_t[]){PS2_ACK, PS2_BAT_OK, 0x00}, 3);
        break;
    case MOUSE_CMD_RESEND: ps2_reply(p, &p->last_sent, 1); break;
    case MOUSE_CMD_SET_DEFAULT:
        mouse_set_defaults(ms);
        ps2_ack(p);
        break;
    case MOUSE_CMD_DISABLE:
        ms->reporting = false;
        ps2_ack(p);
        break;
    case MOUSE_CMD_ENABLE:
        ms->reporting = true;
        ms->dx = ms->dy = ms->dz = 0;
        ps2_ack(p);
        break;
    case MOUSE_CMD_SAMPLE_RATE:
    case MOUSE_CMD_RESOLUTION:
        p->pending_cmd = cmd;
        ps2_ack(p);
        break;
    case MOUSE_CMD_GET_ID: ps2_reply(p, (const uint8_t[]){PS2_ACK, ms->id}, 2); break;
    case MOUSE_CMD_REMOTE:
        ms->remote = true;
        ps2_ack(p);
        break;
    case MOUSE_CMD_STREAM:
        ms->remote = false;
        ps2_ack(p);
        break;
    case MOUSE_CMD_WRAP:
        ms->wrap = true;
        ps2_ack(p);
        break;
    case MOUSE_CMD_RESET_WRAP:
        ms->wrap = false;
        ps2_ack(p);
        break;
    case MOUSE_CMD_READ_DATA:
        ps2_push(p, PS2_ACK);
        mouse_queue_packet(ms);
        ps2_notify(p);
        break;
    case MOUSE_CMD_STATUS:
        ps2_reply(
            p, (const uint8_t[]){PS2_ACK, mouse_status_byte(ms), ms->resolution, ms->sample_rate},
            4);
        break;
    case MOUSE_CMD_SCALING_1TO1:
    case MOUSE_CMD_SCALING_2TO1:
        ms->scaling_2to1 = cmd == MOUSE_CMD_SCALING_2TO1;
        ps2_ack(p);
        break;
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "ps2-mouse: unknown command %#x\n", cmd);
        ps2_reply(p, (const uint8_t[]){PS2_RESEND}, 1);
        break;
    }
}

static void mouse_reset(Device *dev)
{
    PS2Mouse *ms = (PS2Mouse *)dev;
    ps2_clear(&ms->ps2);
    ms->ps2.pending_cmd = 0;
    mouse_set_defaults(ms);
    ms->wrap = false;
    ms->id = 0;
    ms->buttons = ms->reported_buttons = 0;
}

static bool mouse_realize(Device *dev, Machine *m)
{
    PS2Mouse *ms = (PS2Mouse *)dev;
    ms->ps2.command = mouse_command;
    ms->ps2.argument = mouse_argument;
    ms->ps2.drained = mouse_drained;
    if (m) input_set_mouse(m, mouse_event, ms);
    return true;
}

static void mouse_finalize(Device *dev)
{
    Machine *m = dev->machine;
    if (m && m->input.mouse_opaque == dev) input_set_mouse(m, NULL, NULL);
}

static void mouse_post_load(Device *dev)
{
    PS2Mouse *ms = (PS2Mouse *)dev;
    ps2_common_post_load(&ms->ps2);
}

static const VMStateField mouse_vmstate[] = {
    PS2_COMMON_VMSTATE(PS2Mouse),
    VMSTATE_U8(PS2Mouse, sample_rate),
    VMSTATE_U8(PS2Mouse, resolution),
    VMSTATE_BOOL(PS2Mouse, scaling_2to1),
    VMSTATE_BOOL(PS2Mouse, remote),
    VMSTATE_BOOL(PS2Mouse, reporting),
    VMSTATE_BOOL(PS2Mouse, wrap),
    VMSTATE_U8(PS2Mouse, id),
    VMSTATE_U8_ARRAY(PS2Mouse, rate_history),
    {"dx", offsetof(PS2Mouse, dx), VMS_U32, 1},
    {"dy", offsetof(PS2Mouse, dy), VMS_U32, 1},
    {"dz", offsetof(PS2Mouse, dz), VMS_U32, 1},
    VMSTATE_U8(PS2Mouse, buttons),
    VMSTATE_U8(PS2Mouse, reported_buttons),
    VMSTATE_END,
};

static const DeviceClass ps2_mouse_class = {
    .name = "ps2-mouse",
    .desc = "PS/2 mouse with IntelliMouse wheel",
    .instance_size = sizeof(PS2Mouse),
    .vmstate = mouse_vmstate,
    .vmstate_version = 1,
    .realize = mouse_realize,
    .reset = mouse_reset,
    .post_load = mouse_post_load,
    .finalize = mouse_finalize,
};
DEVICE_REGISTER(ps2_mouse_class)

/* ---- creation ---- */

static Device *ps2_create(Machine *m, const char *type, PS2NotifyFn *notify, void *opaque)
{
    Device *dev = device_create(m, type);
    if (!dev) return NULL;
    PS2Common *p = (PS2Common *)dev;
    p->notify = notify;
    p->notify_opaque = opaque;
    return device_realize(dev) ? dev : NULL;
}

Device *ps2_kbd_create(Machine *m, PS2NotifyFn *notify, void *opaque)
{
    return ps2_create(m, "ps2-kbd", notify, opaque);
}

Device *ps2_mouse_create(Machine *m, PS2NotifyFn *notify, void *opaque)
{
    return ps2_create(m, "ps2-mouse", notify, opaque);
}
