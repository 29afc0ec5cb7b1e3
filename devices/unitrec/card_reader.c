/*
 * Card readers: IBM 3505 and the reader side of the 2540 ("2540R"), per
 * "IBM 2540 Card Read Punch Component Description" (GA21-9033) and the
 * 3505/3525 component description: READ (0x02 with feed and stacker
 * modifiers), FEED/select stacker (0x?3), NOP, one sense byte.
 *
 * The hopper is a host file: format=ebcdic, 80-byte card images (a short
 * last card is an equipment check, or padded with zeros with autopad), or
 * format=ascii, one line per card translated to EBCDIC and padded with
 * blanks (tabs to every 8th column, longer lines cut at 80).  At the end
 * of the deck the reader behaves as Hercules documents: with eof=on the
 * next READ ends with unit exception (end of file), with eof=off with unit
 * check and intervention required (hopper empty).  A system reset puts
 * the deck back in the hopper, so an IPL after reset reads it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/unitrec/ebcdic.h"
#include "devices/unitrec/unitrec.h"

#define CARD_COLUMNS 80

typedef struct CardReader {
    Device dev;
    char *devno;
    char *file;
    char *format;
    bool eof;
    bool autopad;
    ChannelUnit unit;
    FILE *deck;
    bool ascii;
    uint8_t sense;
    uint64_t offset; /* position of the next card in the file */
} CardReader;

/* Next card image into card; false at the end of the deck, with
 * *bad set for a damaged (short) card. */
static bool reader_next_card(CardReader *s, uint8_t card[CARD_COLUMNS], bool *bad)
{
    *bad = false;
    if (!s->deck) return false;
    if (fseek(s->deck, (long)s->offset, SEEK_SET) != 0) return false;
    if (!s->ascii) {
        size_t n = fread(card, 1, CARD_COLUMNS, s->deck);
        if (n == 0) return false;
        if (n < CARD_COLUMNS) {
            if (!s->autopad) {
                *bad = true;
                s->offset += n;
                return false;
            }
            memset(card + n, 0, CARD_COLUMNS - n);
        }
        s->offset += n;
        return true;
    }
    memset(card, EBCDIC_BLANK, CARD_COLUMNS);
    int c = fgetc(s->deck);
    if (c == EOF) return false;
    unsigned col = 0;
    for (; c != EOF; c = fgetc(s->deck)) {
        s->offset++;
        if (c == '\n') break;
        if (c == '\r') continue;
        if (c == '\t') {
            col = (col + 8) & ~7u;
            continue;
        }
        if (col < CARD_COLUMNS) card[col] = ascii_to_ebcdic((uint8_t)c);
        col++;
    }
    return true;
}

static int reader_end_of_deck(CardReader *s, bool bad)
{
    if (bad) {
        s->sense = SENSE_EQUIPMENT_CHECK;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    if (s->eof) return UNIT_CE_DE | UNIT_EXCEPTION;
    s->sense = SENSE_INTERVENTION_REQUIRED;
    return UNIT_CE_DE | UNIT_CHECK;
}

static int reader_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    CardReader *s = u->opaque;
    uint8_t card[CARD_COLUMNS];
    bool bad;
    s->sense = 0;
    if (cmd == 0x03) return UNIT_CE_DE; /* NOP */
    if ((cmd & 0x17) == 0x02) {         /* read, feed, select stacker */
        if (!reader_next_card(s, card, &bad)) return reader_end_of_deck(s, bad);
        channel_xfer_to_storage(x, card, CARD_COLUMNS);
        return UNIT_CE_DE;
    }
    if ((cmd & 0x37) == 0x23) { /* feed, select stacker: the card passes unread */
        if (!reader_next_card(s, card, &bad)) return reader_end_of_deck(s, bad);
        return UNIT_CE_DE;
    }
    s->sense = SENSE_COMMAND_REJECT;
    return UNIT_CE_DE | UNIT_CHECK;
}

static unsigned reader_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    CardReader *s = u->opaque;
    if (len) buf[0] = s->sense;
    s->sense = 0;
    return 1;
}

static const ChannelUnitOps reader_unit_ops = {
    .execute = reader_execute,
    .sense = reader_sense,
};

static bool reader_realize(Device *dev, Machine *m)
{
    CardReader *s = (CardReader *)dev;
    const char *type = dev->class->name;
    const char *fmt = s->format ? s->format : "ebcdic";
    if (!strcmp(fmt, "ascii")) {
        s->ascii = true;
    } else if (!strcmp(fmt, "autopad")) {
        s->autopad = true;
    } else if (strcmp(fmt, "ebcdic")) {
        fprintf(stderr, "doppel: %s: format '%s' is not ebcdic, ascii or autopad\n", type, fmt);
        return false;
    }
    if (s->file && *s->file) {
        s->deck = fopen(s->file, "rb");
        if (!s->deck) {
            fprintf(stderr, "doppel: %s: cannot open card deck '%s': %s\n", type, s->file,
                    strerror(errno));
            return false;
        }
    }
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &reader_unit_ops)) {
        if (s->deck) fclose(s->deck);
        s->deck = NULL;
        return false;
    }
    return true;
}

static void reader_reset(Device *dev)
{
    CardReader *s = (CardReader *)dev;
    s->sense = 0;
    s->offset = 0;
}

static void reader_finalize(Device *dev)
{
    CardReader *s = (CardReader *)dev;
    unitrec_detach(&s->unit);
    if (s->deck) fclose(s->deck);
}

static const Property reader_props[] = {
    DEFINE_PROP_STRING("devno", CardReader, devno, NULL, "device number, hex (e.g. 00c)"),
    DEFINE_PROP_STRING("file", CardReader, file, NULL, "card deck (none: hopper empty)"),
    DEFINE_PROP_STRING("format", CardReader, format, "ebcdic",
                       "ebcdic (80-byte cards), ascii (a line per card) or autopad"),
    DEFINE_PROP_BOOL("eof", CardReader, eof, false,
                     "end of deck: unit exception (on) or intervention required (off)"),
    DEFINE_PROP_BOOL("autopad", CardReader, autopad, false, "pad a short last ebcdic card"),
    DEFINE_PROP_END,
};

static void reader_post_load(Device *dev)
{
    channel_unit_post_load(&((CardReader *)dev)->unit);
}

static const VMStateField reader_vmstate[] = {
    VMSTATE_U8(CardReader, sense),
    VMSTATE_U64(CardReader, offset),
    CHANNEL_UNIT_VMSTATE(CardReader, unit),
    VMSTATE_END,
};

#define READER_CLASS(var, name_, desc_)                                                            \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(CardReader),                                                       \
        .props = reader_props,                                                                     \
        .vmstate = reader_vmstate,                                                                 \
        .vmstate_version = 2,                                                                      \
        .realize = reader_realize,                                                                 \
        .reset = reader_reset,                                                                     \
        .post_load = reader_post_load,                                                             \
        .finalize = reader_finalize,                                                               \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

READER_CLASS(reader3505_class, "3505", "IBM 3505 card reader (channel unit)");
READER_CLASS(reader2540_class, "2540R", "IBM 2540 card reader side (channel unit)");
