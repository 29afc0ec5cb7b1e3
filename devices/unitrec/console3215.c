/*
 * IBM 3215 console printer-keyboard (and the 1052 it replaced), as its
 * channel commands are described in "IBM 3210/3215 Console Printer-
 * Keyboard Component Description" (GA26-1630): WRITE without (0x01) and
 * with automatic carrier return (0x09), READ inquiry (0x0A), NOP (0x03),
 * audible alarm (0x0B) and one sense byte.  Text is EBCDIC code page 037
 * on the channel and ASCII on the host chardev.
 *
 * The operator's line is echoed as typed (the terminal is raw) and ends
 * with Enter.  A READ with no complete line waits for one; a line entered
 * with no READ pending is kept and announced with attention, as the
 * REQUEST key does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/unitrec/ebcdic.h"
#include "devices/unitrec/unitrec.h"

#define CONSOLE_LINE_MAX 255

enum {
    CMD_WRITE = 0x01,
    CMD_WRITE_CR = 0x09,
    CMD_READ = 0x0a,
    CMD_NOP = 0x03,
    CMD_ALARM = 0x0b,
};

typedef struct Console3215 {
    Device dev;
    char *devno;
    Chardev *chr;
    ChannelUnit unit;
    uint8_t sense;
    uint8_t line[CONSOLE_LINE_MAX]; /* operator input, ASCII */
    uint8_t line_len;
    bool line_ready;   /* Enter pressed, not yet read */
    bool read_waiting; /* a READ waits for the line */
    bool last_cr;      /* swallow the LF of CR LF */
} Console3215;

static void console_out(Console3215 *s, const char *buf, size_t len)
{
    chardev_write(s->chr, (const uint8_t *)buf, len);
}

static void console_write(Console3215 *s, ChannelXfer *x, bool carrier_return)
{
    uint8_t buf[256];
    char text[256];
    size_t n;
    while ((n = channel_xfer_take(x, buf, sizeof buf)) > 0) {
        for (size_t i = 0; i < n; i++)
            text[i] = (buf[i] == 0x15 || buf[i] == 0x25) ? '\n' : ebcdic_to_printable(buf[i]);
        console_out(s, text, n);
    }
    if (carrier_return) console_out(s, "\n", 1);
}

/* Hand the entered line to the READ: EBCDIC, without the Enter. */
static void console_deliver(Console3215 *s, ChannelXfer *x)
{
    uint8_t e[CONSOLE_LINE_MAX];
    for (unsigned i = 0; i < s->line_len; i++)
        e[i] = ascii_to_ebcdic(s->line[i]);
    channel_xfer_to_storage(x, e, s->line_len);
    s->line_len = 0;
    s->line_ready = false;
    chardev_accept_input(s->chr);
}

static int console_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    Console3215 *s = u->opaque;
    s->sense = 0;
    switch (cmd) {
    case CMD_WRITE:
    case CMD_WRITE_CR: console_write(s, x, cmd == CMD_WRITE_CR); return UNIT_CE_DE;
    case CMD_NOP: return UNIT_CE_DE;
    case CMD_ALARM: console_out(s, "\a", 1); return UNIT_CE_DE;
    case CMD_READ:
        if (!s->chr) { /* nobody can type: intervention required */
            s->sense = SENSE_INTERVENTION_REQUIRED;
            return UNIT_CE_DE | UNIT_CHECK;
        }
        if (s->line_ready) {
            console_deliver(s, x);
            return UNIT_CE_DE;
        }
        s->read_waiting = true;
        chardev_accept_input(s->chr);
        return CHANNEL_UNIT_WAIT;
    default: s->sense = SENSE_COMMAND_REJECT; return UNIT_CE_DE | UNIT_CHECK;
    }
}

static unsigned console_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    Console3215 *s = u->opaque;
    if (len) buf[0] = s->sense;
    s->sense = 0;
    return 1;
}

static void console_halt(ChannelUnit *u)
{
    Console3215 *s = u->opaque;
    s->read_waiting = false;
}

static const ChannelUnitOps console_unit_ops = {
    .execute = console_execute,
    .sense = console_sense,
    .halt = console_halt,
};

/* ---- operator side ---- */

static void console_line_done(Console3215 *s)
{
    console_out(s, "\n", 1);
    ChannelXfer *x = s->read_waiting ? channel_unit_xfer(&s->unit) : NULL;
    s->line_ready = true;
    if (x) {
        s->read_waiting = false;
        console_deliver(s, x);
        channel_unit_complete(&s->unit, UNIT_CE_DE);
    } else {
        s->read_waiting = false;
        channel_unit_status(&s->unit, UNIT_ATTENTION);
    }
}

static int console_can_receive(void *opaque)
{
    Console3215 *s = opaque;
    return s->line_ready ? 0 : 1;
}

static void console_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Console3215 *s = opaque;
    for (size_t i = 0; i < len && !s->line_ready; i++) {
        uint8_t c = buf[i];
        bool was_cr = s->last_cr;
        s->last_cr = c == '\r';
        if (c == '\n' && was_cr) continue;
        if (c == '\r' || c == '\n') {
            console_line_done(s);
        } else if (c == 0x08 || c == 0x7f) {
            if (s->line_len) {
                s->line_len--;
                console_out(s, "\b \b", 3);
            }
        } else if (c >= 0x20 && s->line_len < CONSOLE_LINE_MAX) {
            s->line[s->line_len++] = c;
            console_out(s, (const char *)&c, 1);
        }
    }
}

/* ---- device ---- */

static bool console_realize(Device *dev, Machine *m)
{
    Console3215 *s = (Console3215 *)dev;
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &console_unit_ops)) return false;
    chardev_set_handlers(s->chr, console_can_receive, console_receive, s);
    return true;
}

static void console_reset(Device *dev)
{
    Console3215 *s = (Console3215 *)dev;
    s->sense = 0;
    s->line_len = 0;
    s->line_ready = s->read_waiting = s->last_cr = false;
    chardev_accept_input(s->chr);
}

static void console_finalize(Device *dev)
{
    Console3215 *s = (Console3215 *)dev;
    chardev_set_handlers(s->chr, NULL, NULL, NULL);
    unitrec_detach(&s->unit);
}

static const Property console_props[] = {
    DEFINE_PROP_STRING("devno", Console3215, devno, NULL, "device number, hex (e.g. 009)"),
    DEFINE_PROP_CHARDEV("chardev", Console3215, chr, "host end of the console"),
    DEFINE_PROP_END,
};

static void console_post_load(Device *dev)
{
    channel_unit_post_load(&((Console3215 *)dev)->unit);
}

static const VMStateField console_vmstate[] = {
    VMSTATE_U8(Console3215, sense),          VMSTATE_BUFFER(Console3215, line),
    VMSTATE_U8(Console3215, line_len),       VMSTATE_BOOL(Console3215, line_ready),
    VMSTATE_BOOL(Console3215, read_waiting), VMSTATE_BOOL(Console3215, last_cr),
    CHANNEL_UNIT_VMSTATE(Console3215, unit), VMSTATE_END,
};

#define CONSOLE_CLASS(var, name_, desc_)                                                           \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(Console3215),                                                      \
        .props = console_props,                                                                    \
        .vmstate = console_vmstate,                                                                \
        .vmstate_version = 2,                                                                      \
        .realize = console_realize,                                                                \
        .reset = console_reset,                                                                    \
        .post_load = console_post_load,                                                            \
        .finalize = console_finalize,                                                              \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

CONSOLE_CLASS(console3215_class, "3215", "IBM 3215 console printer-keyboard (channel unit)");
CONSOLE_CLASS(console1052_class, "1052", "IBM 1052 printer-keyboard (as 3215)");
