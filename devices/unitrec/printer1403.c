/*
 * Line printers: IBM 1403 (and the 3211 command set it shares), per "IBM
 * 1403 Printer Component Description" (GA24-3073) and the 3211 manual:
 *   WRITE   0x01 no space, 0x09/0x11/0x19 space 1-3 lines after,
 *           0x89 ... 0xE1 skip to carriage channel 1-12 after;
 *   CONTROL 0x0B/0x13/0x1B space 1-3 lines, 0x8B ... 0xE3 skip to channel
 *           1-12 immediately; 0x03 NOP; 3211 also 0x63 load FCB and 0xFB
 *           load UCS buffer (taken and ignored).
 * The line holds up to 132 print positions.  The carriage tape (FCB) is
 * 66 lines with channel 1 at line 1 and channel 12 at line 60 unless the
 * program loads one; spacing onto a line punched in channel 9 or 12 ends
 * the command with unit exception (forms overflow), as on the 1403.
 *
 * Output is ASCII text: a line ends with "\n" per line spaced, a write
 * without spacing with "\r" (the next line overprints), skip to channel 1
 * is a form feed.  Trailing blanks are not written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/unitrec/ebcdic.h"
#include "devices/unitrec/unitrec.h"

#define PRINT_POSITIONS 132
#define FCB_MAX_LINES   180

typedef struct Printer {
    Device dev;
    char *devno;
    char *file;
    ChannelUnit unit;
    FILE *out;
    uint8_t sense;
    uint8_t line;                   /* carriage position, 1 .. lines */
    uint8_t lines;                  /* form length */
    bool dirty;                     /* text on the current line not yet ended with "\n" */
    uint8_t fcb[FCB_MAX_LINES + 1]; /* channel punched at each line (0 none) */
} Printer;

static void printer_default_fcb(Printer *s)
{
    memset(s->fcb, 0, sizeof s->fcb);
    s->lines = 66;
    s->fcb[1] = 1;
    s->fcb[60] = 12;
}

static void emit(Printer *s, const char *t, size_t n)
{
    fwrite(t, 1, n, s->out);
}

/* Space n lines; true if a channel 9 or 12 line was reached. */
static bool printer_space(Printer *s, unsigned n)
{
    bool overflow = false;
    for (unsigned i = 0; i < n; i++) {
        emit(s, "\n", 1);
        s->line = s->line >= s->lines ? 1 : s->line + 1;
        if (s->line == 1) emit(s, "\f", 1);
        if (s->fcb[s->line] == 9 || s->fcb[s->line] == 12) overflow = true;
    }
    s->dirty = false;
    return overflow;
}

/* Skip to the next line punched with channel ch; false if none is. */
static bool printer_skip(Printer *s, unsigned ch)
{
    unsigned target = 0;
    for (unsigned l = 1; l <= s->lines && !target; l++)
        if (s->fcb[l] == ch) target = l;
    if (!target) return false;
    if (s->dirty) emit(s, "\n", 1);
    s->dirty = false;
    if (target <= s->line) {
        emit(s, "\f", 1);
        s->line = 1;
    }
    for (; s->line < target; s->line++)
        emit(s, "\n", 1);
    return true;
}

/* The carriage motion coded in bits 0-4 of a write or control command. */
static int printer_motion(Printer *s, uint8_t cmd)
{
    unsigned code = cmd >> 3;
    if (code & 0x10) {
        unsigned ch = code & 0x0f;
        if (ch < 1 || ch > 12 || !printer_skip(s, ch)) {
            s->sense = SENSE_COMMAND_REJECT;
            return UNIT_CE_DE | UNIT_CHECK;
        }
        return UNIT_CE_DE;
    }
    if (code & 0x0c) {
        s->sense = SENSE_COMMAND_REJECT;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    if (code == 0) {
        if (s->dirty) emit(s, "\r", 1);
        return UNIT_CE_DE;
    }
    return printer_space(s, code) ? UNIT_CE_DE | UNIT_EXCEPTION : UNIT_CE_DE;
}

static void printer_print(Printer *s, ChannelXfer *x)
{
    uint8_t data[PRINT_POSITIONS];
    size_t n = 0, k;
    while (n < PRINT_POSITIONS && (k = channel_xfer_take(x, data + n, PRINT_POSITIONS - n)) > 0)
        n += k;
    char text[PRINT_POSITIONS];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        text[i] = ebcdic_to_printable(data[i]);
        if (text[i] != ' ') len = i + 1;
    }
    if (len) {
        emit(s, text, len);
        s->dirty = true;
    }
}

/* 3211 FCB image: a byte per line, channel in bits 4-7, bit 3 ends it. */
static int printer_load_fcb(Printer *s, ChannelXfer *x)
{
    uint8_t img[FCB_MAX_LINES];
    size_t n = 0, k;
    while (n < FCB_MAX_LINES && (k = channel_xfer_take(x, img + n, FCB_MAX_LINES - n)) > 0)
        n += k;
    if (n == 0) {
        s->sense = SENSE_COMMAND_REJECT;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    memset(s->fcb, 0, sizeof s->fcb);
    s->lines = 0;
    for (size_t i = 0; i < n; i++) {
        s->fcb[i + 1] = img[i] & 0x0f;
        s->lines = (uint8_t)(i + 1);
        if (img[i] & 0x10) break;
    }
    s->line = 1;
    return UNIT_CE_DE;
}

static int printer_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    Printer *s = u->opaque;
    int st;
    s->sense = 0;
    if (cmd == 0x03) return UNIT_CE_DE;
    if (cmd == 0x63) {
        st = printer_load_fcb(s, x);
    } else if (cmd == 0xfb) {
        uint8_t sink[64];
        while (channel_xfer_take(x, sink, sizeof sink) > 0) {
        }
        st = UNIT_CE_DE;
    } else if ((cmd & 0x07) == 0x01) {
        printer_print(s, x);
        st = printer_motion(s, cmd);
    } else if ((cmd & 0x07) == 0x03) {
        st = printer_motion(s, cmd);
    } else {
        s->sense = SENSE_COMMAND_REJECT;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    if (fflush(s->out) != 0) {
        s->sense = SENSE_EQUIPMENT_CHECK;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    return st;
}

static unsigned printer_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    Printer *s = u->opaque;
    if (len) buf[0] = s->sense;
    s->sense = 0;
    return 1;
}

static const ChannelUnitOps printer_unit_ops = {
    .execute = printer_execute,
    .sense = printer_sense,
};

static bool printer_realize(Device *dev, Machine *m)
{
    Printer *s = (Printer *)dev;
    const char *type = dev->class->name;
    if (!s->file || !*s->file) {
        fprintf(stderr, "doppel: %s: file= is required (where the listing goes)\n", type);
        return false;
    }
    s->out = fopen(s->file, "w");
    if (!s->out) {
        fprintf(stderr, "doppel: %s: cannot create '%s': %s\n", type, s->file, strerror(errno));
        return false;
    }
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &printer_unit_ops)) {
        fclose(s->out);
        s->out = NULL;
        return false;
    }
    return true;
}

static void printer_reset(Device *dev)
{
    Printer *s = (Printer *)dev;
    s->sense = 0;
    s->line = 1;
    s->dirty = false;
    printer_default_fcb(s);
}

/* Lines already printed to the host file stay there after a load (host
 * output cannot be taken back); carriage, FCB and sense follow it. */
static void printer_post_load(Device *dev)
{
    Printer *s = (Printer *)dev;
    if (s->lines == 0 || s->lines > FCB_MAX_LINES) printer_default_fcb(s);
    if (s->line < 1 || s->line > s->lines) s->line = 1;
    channel_unit_post_load(&s->unit);
}

static void printer_finalize(Device *dev)
{
    Printer *s = (Printer *)dev;
    unitrec_detach(&s->unit);
    if (s->out) fclose(s->out);
}

static const Property printer_props[] = {
    DEFINE_PROP_STRING("devno", Printer, devno, NULL, "device number, hex (e.g. 00e)"),
    DEFINE_PROP_STRING("file", Printer, file, NULL, "output file for the listing (ASCII text)"),
    DEFINE_PROP_END,
};

static const VMStateField printer_vmstate[] = {
    VMSTATE_U8(Printer, sense),
    VMSTATE_U8(Printer, line),
    VMSTATE_U8(Printer, lines),
    VMSTATE_BOOL(Printer, dirty),
    VMSTATE_BUFFER(Printer, fcb),
    CHANNEL_UNIT_VMSTATE(Printer, unit),
    VMSTATE_END,
};

#define PRINTER_CLASS(var, name_, desc_)                                                           \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(Printer),                                                          \
        .props = printer_props,                                                                    \
        .vmstate = printer_vmstate,                                                                \
        .vmstate_version = 2,                                                                      \
        .realize = printer_realize,                                                                \
        .reset = printer_reset,                                                                    \
        .post_load = printer_post_load,                                                            \
        .finalize = printer_finalize,                                                              \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

PRINTER_CLASS(printer1403_class, "1403", "IBM 1403 line printer (channel unit)");
PRINTER_CLASS(printer3211_class, "3211", "IBM 3211 line printer (channel unit, as 1403)");
