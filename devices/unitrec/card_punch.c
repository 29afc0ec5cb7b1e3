/*
 * Card punches: IBM 3525 and the punch side of the 2540 ("2540P"), per
 * their component descriptions: WRITE (0x01 with feed and stacker
 * modifiers) punches one card of 80 columns, FEED/select stacker (0x?3)
 * and NOP, one sense byte.  A WRITE shorter than 80 columns punches the
 * rest blank; the channel reports the length mismatch unless SLI.
 *
 * The stacker is a host file: format=ebcdic writes 80-byte card images,
 * format=ascii one text line per card with trailing blanks removed.
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

typedef struct CardPunch {
    Device dev;
    char *devno;
    char *file;
    char *format;
    ChannelUnit unit;
    FILE *out;
    bool ascii;
    uint8_t sense;
    uint32_t cards; /* punched so far */
} CardPunch;

static bool punch_card(CardPunch *s, const uint8_t card[CARD_COLUMNS])
{
    if (!s->ascii) return fwrite(card, 1, CARD_COLUMNS, s->out) == CARD_COLUMNS;
    char line[CARD_COLUMNS + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < CARD_COLUMNS; i++)
        line[i] = ebcdic_to_printable(card[i]);
    for (unsigned i = 0; i < CARD_COLUMNS; i++)
        if (line[i] != ' ') n = i + 1;
    line[n] = '\n';
    return fwrite(line, 1, n + 1, s->out) == n + 1;
}

static int punch_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    CardPunch *s = u->opaque;
    s->sense = 0;
    if (cmd == 0x03 || (cmd & 0x37) == 0x23) return UNIT_CE_DE; /* NOP, feed */
    if ((cmd & 0x03) == 0x01) {
        uint8_t card[CARD_COLUMNS];
        size_t n = channel_xfer_from_storage(x, card, CARD_COLUMNS);
        memset(card + n, EBCDIC_BLANK, CARD_COLUMNS - n);
        if (!punch_card(s, card) || fflush(s->out) != 0) {
            s->sense = SENSE_EQUIPMENT_CHECK;
            return UNIT_CE_DE | UNIT_CHECK;
        }
        s->cards++;
        return UNIT_CE_DE;
    }
    s->sense = SENSE_COMMAND_REJECT;
    return UNIT_CE_DE | UNIT_CHECK;
}

static unsigned punch_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    CardPunch *s = u->opaque;
    if (len) buf[0] = s->sense;
    s->sense = 0;
    return 1;
}

static const ChannelUnitOps punch_unit_ops = {
    .execute = punch_execute,
    .sense = punch_sense,
};

static bool punch_realize(Device *dev, Machine *m)
{
    CardPunch *s = (CardPunch *)dev;
    const char *type = dev->class->name;
    const char *fmt = s->format ? s->format : "ebcdic";
    if (!strcmp(fmt, "ascii")) {
        s->ascii = true;
    } else if (strcmp(fmt, "ebcdic")) {
        fprintf(stderr, "doppel: %s: format '%s' is not ebcdic or ascii\n", type, fmt);
        return false;
    }
    if (!s->file || !*s->file) {
        fprintf(stderr, "doppel: %s: file= is required (where the cards go)\n", type);
        return false;
    }
    s->out = fopen(s->file, s->ascii ? "w" : "wb");
    if (!s->out) {
        fprintf(stderr, "doppel: %s: cannot create '%s': %s\n", type, s->file, strerror(errno));
        return false;
    }
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &punch_unit_ops)) {
        fclose(s->out);
        s->out = NULL;
        return false;
    }
    return true;
}

static void punch_reset(Device *dev)
{
    ((CardPunch *)dev)->sense = 0;
}

static void punch_finalize(Device *dev)
{
    CardPunch *s = (CardPunch *)dev;
    unitrec_detach(&s->unit);
    if (s->out) fclose(s->out);
}

static const Property punch_props[] = {
    DEFINE_PROP_STRING("devno", CardPunch, devno, NULL, "device number, hex (e.g. 00d)"),
    DEFINE_PROP_STRING("file", CardPunch, file, NULL, "output file for the punched cards"),
    DEFINE_PROP_STRING("format", CardPunch, format, "ebcdic",
                       "ebcdic (80-byte cards) or ascii (a trimmed line per card)"),
    DEFINE_PROP_END,
};

/* Cards already punched into the host file stay there after a load (host
 * output cannot be taken back); the count and sense follow the snapshot. */
static void punch_post_load(Device *dev)
{
    channel_unit_post_load(&((CardPunch *)dev)->unit);
}

static const VMStateField punch_vmstate[] = {
    VMSTATE_U8(CardPunch, sense),
    VMSTATE_U32(CardPunch, cards),
    CHANNEL_UNIT_VMSTATE(CardPunch, unit),
    VMSTATE_END,
};

#define PUNCH_CLASS(var, name_, desc_)                                                             \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(CardPunch),                                                        \
        .props = punch_props,                                                                      \
        .vmstate = punch_vmstate,                                                                  \
        .vmstate_version = 2,                                                                      \
        .realize = punch_realize,                                                                  \
        .reset = punch_reset,                                                                      \
        .post_load = punch_post_load,                                                              \
        .finalize = punch_finalize,                                                                \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

PUNCH_CLASS(punch3525_class, "3525", "IBM 3525 card punch (channel unit)");
PUNCH_CLASS(punch2540_class, "2540P", "IBM 2540 card punch side (channel unit)");
