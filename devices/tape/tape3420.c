/*
 * IBM 3420 magnetic tape unit (on a 3803 control unit) with an AWS tape
 * image (aws_tape.h) mounted:
 *
 *     -device 3420,devno=580,file=tape.aws[,readonly=on]
 *
 * Commands per "IBM 3803/3420 Magnetic Tape Subsystem" reference
 * (GA32-0020): Write, Read Forward, Read Backward, Write Tape Mark, Erase
 * Gap, Data Security Erase, Rewind, Rewind Unload, Backspace Block and
 * File, Forward Space Block and File, Mode Set (accepted), No-op, Sense.
 *
 * Reading or spacing over a tape mark ends the command with unit
 * exception; Forward/Backspace File stop after/before the mark and end
 * normally.  A backward command at load point is rejected (command
 * reject, load point in sense byte 1).  Reading past the last block
 * written also ends with unit exception, as Hercules reports the end of
 * an AWS file.  Without a file, or after Rewind Unload, the unit is not
 * ready (intervention required).  readonly=on is a reel without its
 * write-enable ring: writes are rejected with file protect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "devices/tape/aws_tape.h"
#include "devices/unitrec/unitrec.h"

#define TAPE_BLOCK_MAX (256u << 10)

/* Sense bytes 0 and 1 of the 3803. */
enum {
    T0_COMMAND_REJECT = 0x80,
    T0_INTERVENTION = 0x40,
    T0_EQUIPMENT_CHECK = 0x10,
    T0_DATA_CHECK = 0x08,
    T1_READY = 0x40,     /* TU status A */
    T1_NOT_READY = 0x20, /* TU status B */
    T1_LOAD_POINT = 0x08,
    T1_FILE_PROTECT = 0x02,
};

enum {
    CMD_WRITE = 0x01,
    CMD_READ = 0x02,
    CMD_NOP = 0x03,
    CMD_REWIND = 0x07,
    CMD_READ_BACKWARD = 0x0c,
    CMD_REWIND_UNLOAD = 0x0f,
    CMD_ERASE_GAP = 0x17,
    CMD_WRITE_TAPE_MARK = 0x1f,
    CMD_BACKSPACE_BLOCK = 0x27,
    CMD_BACKSPACE_FILE = 0x2f,
    CMD_FORWARD_SPACE_BLOCK = 0x37,
    CMD_FORWARD_SPACE_FILE = 0x3f,
    CMD_DATA_SECURITY_ERASE = 0x97,
};

typedef struct Tape3420 {
    Device dev;
    char *devno;
    char *file;
    bool readonly;
    ChannelUnit unit;
    AwsTape *tape; /* NULL: no reel mounted or unloaded */
    uint8_t *buf;
    uint8_t sense0;
    /* The reel's position after the last command (the table's copy of
     * the AwsTape's; restored into it by post_load). */
    uint64_t tape_pos;
    uint16_t tape_prev;
    bool unloaded; /* Rewind Unload took the reel off */
} Tape3420;

static int tape_check(Tape3420 *s, uint8_t sense0)
{
    s->sense0 = sense0;
    return UNIT_CE_DE | UNIT_CHECK;
}

static int tape_reject(Tape3420 *s, uint8_t cmd, const char *why)
{
    LOG_MASK(LOG_GUEST_ERRORS, "3420 %04x: command %02x rejected: %s\n", s->unit.devno, cmd, why);
    return tape_check(s, T0_COMMAND_REJECT);
}

/* The image failed under a command: equipment check, and a host line. */
static int tape_error(Tape3420 *s)
{
    fprintf(stderr, "doppel: 3420 %04x: %s\n", s->unit.devno, aws_error(s->tape));
    return tape_check(s, T0_EQUIPMENT_CHECK);
}

/* Ending status of a forward or backward motion over one block. */
static int tape_motion_status(Tape3420 *s, AwsResult r)
{
    switch (r) {
    case AWS_BLOCK: return UNIT_CE_DE;
    case AWS_TAPEMARK:
    case AWS_END: return UNIT_CE_DE | UNIT_EXCEPTION;
    case AWS_LOAD_POINT: return UNIT_CE_DE;
    default: return tape_error(s);
    }
}

static int tape_write(Tape3420 *s, ChannelXfer *x)
{
    size_t len = 0, n;
    while (len < TAPE_BLOCK_MAX && (n = channel_xfer_take(x, s->buf + len, TAPE_BLOCK_MAX - len)))
        len += n;
    if (len == 0) return tape_reject(s, CMD_WRITE, "empty block");
    return aws_write(s->tape, s->buf, len) == AWS_ERROR ? tape_error(s) : UNIT_CE_DE;
}

static int tape_read(Tape3420 *s, bool backward, ChannelXfer *x)
{
    size_t len;
    AwsResult r = backward ? aws_read_backward(s->tape, s->buf, TAPE_BLOCK_MAX, &len)
                           : aws_read(s->tape, s->buf, TAPE_BLOCK_MAX, &len);
    if (r != AWS_BLOCK) return tape_motion_status(s, r);
    if (len > TAPE_BLOCK_MAX) len = TAPE_BLOCK_MAX;
    if (backward) /* the last byte of the block comes first */
        for (size_t i = 0; i < len / 2; i++) {
            uint8_t b = s->buf[i];
            s->buf[i] = s->buf[len - 1 - i];
            s->buf[len - 1 - i] = b;
        }
    channel_xfer_to_storage(x, s->buf, len);
    return UNIT_CE_DE;
}

/* Forward or Backspace File: up to and over the next tape mark. */
static int tape_space_file(Tape3420 *s, bool backward)
{
    for (;;) {
        size_t len;
        AwsResult r =
            backward ? aws_read_backward(s->tape, NULL, 0, &len) : aws_read(s->tape, NULL, 0, &len);
        if (r == AWS_TAPEMARK || r == AWS_LOAD_POINT) return UNIT_CE_DE;
        if (r != AWS_BLOCK) return tape_motion_status(s, r);
    }
}

static int tape_execute_command(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    Tape3420 *s = u->opaque;
    s->sense0 = 0;
    if (cmd == CMD_NOP) return UNIT_CE_DE;
    bool known = cmd == CMD_WRITE || cmd == CMD_READ || cmd == CMD_REWIND ||
                 cmd == CMD_READ_BACKWARD || cmd == CMD_REWIND_UNLOAD || cmd == CMD_ERASE_GAP ||
                 cmd == CMD_WRITE_TAPE_MARK || cmd == CMD_BACKSPACE_BLOCK ||
                 cmd == CMD_BACKSPACE_FILE || cmd == CMD_FORWARD_SPACE_BLOCK ||
                 cmd == CMD_FORWARD_SPACE_FILE || cmd == CMD_DATA_SECURITY_ERASE ||
                 (cmd & 0x07) == 0x03; /* mode set: density, 7-track modes */
    if (!known) return tape_reject(s, cmd, "invalid command");
    if (!s->tape) return tape_check(s, T0_INTERVENTION);
    if ((cmd & 0x07) == 0x03) return UNIT_CE_DE;

    bool writes = cmd == CMD_WRITE || cmd == CMD_WRITE_TAPE_MARK || cmd == CMD_ERASE_GAP ||
                  cmd == CMD_DATA_SECURITY_ERASE;
    if (writes && aws_readonly(s->tape)) return tape_reject(s, cmd, "file protected");
    bool backward =
        cmd == CMD_READ_BACKWARD || cmd == CMD_BACKSPACE_BLOCK || cmd == CMD_BACKSPACE_FILE;
    if (backward && aws_at_load_point(s->tape)) return tape_reject(s, cmd, "at load point");

    size_t len;
    switch (cmd) {
    case CMD_WRITE: return tape_write(s, x);
    case CMD_READ: return tape_read(s, false, x);
    case CMD_READ_BACKWARD: return tape_read(s, true, x);
    case CMD_WRITE_TAPE_MARK:
        return aws_write_mark(s->tape) == AWS_ERROR ? tape_error(s) : UNIT_CE_DE;
    case CMD_ERASE_GAP: return UNIT_CE_DE;
    case CMD_DATA_SECURITY_ERASE:
        return aws_erase(s->tape) == AWS_ERROR ? tape_error(s) : UNIT_CE_DE;
    case CMD_REWIND: aws_rewind(s->tape); return UNIT_CE_DE;
    case CMD_REWIND_UNLOAD:
        aws_close(s->tape);
        s->tape = NULL;
        s->unloaded = true;
        return UNIT_CE_DE;
    case CMD_FORWARD_SPACE_BLOCK: return tape_motion_status(s, aws_read(s->tape, NULL, 0, &len));
    case CMD_BACKSPACE_BLOCK:
        return tape_motion_status(s, aws_read_backward(s->tape, NULL, 0, &len));
    case CMD_FORWARD_SPACE_FILE: return tape_space_file(s, false);
    case CMD_BACKSPACE_FILE: return tape_space_file(s, true);
    default: return tape_reject(s, cmd, "invalid command");
    }
}

/* 24 sense bytes; byte 1 always shows the unit's state. */
static unsigned tape_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    Tape3420 *s = u->opaque;
    uint8_t sense[24] = {0};
    sense[0] = s->sense0;
    if (!s->tape) {
        sense[1] = T1_NOT_READY;
    } else {
        sense[1] = T1_READY;
        if (aws_at_load_point(s->tape)) sense[1] |= T1_LOAD_POINT;
        if (aws_readonly(s->tape)) sense[1] |= T1_FILE_PROTECT;
    }
    memcpy(buf, sense, len < sizeof sense ? len : sizeof sense);
    s->sense0 = 0;
    return sizeof sense;
}

static int tape_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    Tape3420 *s = u->opaque;
    int status = tape_execute_command(u, cmd, x);
    if (s->tape) aws_get_position(s->tape, &s->tape_pos, &s->tape_prev);
    return status;
}

static const ChannelUnitOps tape_unit_ops = {
    .execute = tape_execute,
    .sense = tape_sense,
};

/* AWS images have no internal snapshots: a reel with its write ring makes
 * savevm refuse (core/snapshot.h); without it the reel follows. */
static bool tape_media_writable(void *opaque)
{
    Tape3420 *s = opaque;
    return s->tape && !aws_readonly(s->tape);
}

static const SnapshotDriveOps tape_media_ops = {.writable = tape_media_writable};

static bool tape_realize(Device *dev, Machine *m)
{
    Tape3420 *s = (Tape3420 *)dev;
    char err[256];
    s->buf = malloc(TAPE_BLOCK_MAX);
    if (!s->buf) return false;
    if (s->file && *s->file && strcmp(s->file, "*")) {
        s->tape = aws_open(s->file, s->readonly, err, sizeof err);
        if (!s->tape) {
            fprintf(stderr, "doppel: 3420: %s\n", err);
            free(s->buf);
            return false;
        }
    }
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &tape_unit_ops)) {
        aws_close(s->tape);
        s->tape = NULL;
        free(s->buf);
        return false;
    }
    if (m) {
        char label[32];
        snprintf(label, sizeof label, "3420 %04x", s->unit.devno);
        snapshot_add_drive(m, label, &tape_media_ops, s);
    }
    return true;
}

static void tape_reset(Device *dev)
{
    Tape3420 *s = (Tape3420 *)dev;
    s->sense0 = 0;
    if (s->tape) aws_sync(s->tape);
}

static void tape_finalize(Device *dev)
{
    Tape3420 *s = (Tape3420 *)dev;
    if (dev->machine) snapshot_remove_drive(dev->machine, s);
    unitrec_detach(&s->unit);
    aws_close(s->tape);
    s->tape = NULL;
    free(s->buf);
}

static const Property tape_props[] = {
    DEFINE_PROP_STRING("devno", Tape3420, devno, NULL, "device number, hex (e.g. 580)"),
    DEFINE_PROP_STRING("file", Tape3420, file, NULL,
                       "AWS tape image (created if missing; none: no reel mounted)"),
    DEFINE_PROP_BOOL("readonly", Tape3420, readonly, false, "no write-enable ring"),
    DEFINE_PROP_END,
};

/* The reel's contents are not saved (see tape_media_ops); its position
 * is.  Whether a reel is mounted is host configuration. */
static void tape_post_load(Device *dev)
{
    Tape3420 *s = (Tape3420 *)dev;
    char err[256];
    if (s->unloaded && s->tape) {
        aws_close(s->tape);
        s->tape = NULL;
    } else if (!s->unloaded && !s->tape && s->file && *s->file && strcmp(s->file, "*")) {
        /* Mounted again, as it was at the snapshot. */
        s->tape = aws_open(s->file, s->readonly, err, sizeof err);
        if (!s->tape) fprintf(stderr, "doppel: 3420 %04x: %s\n", s->unit.devno, err);
    }
    if (s->tape && !aws_set_position(s->tape, s->tape_pos, s->tape_prev))
        LOG_MASK(LOG_GUEST_ERRORS, "3420 %04x: saved position not on this reel: rewound\n",
                 s->unit.devno);
    if (s->tape) aws_get_position(s->tape, &s->tape_pos, &s->tape_prev);
}

static const VMStateField tape_vmstate[] = {
    VMSTATE_U8(Tape3420, sense0),         VMSTATE_U64(Tape3420, tape_pos),
    VMSTATE_U16(Tape3420, tape_prev),     VMSTATE_BOOL(Tape3420, unloaded),
    CHANNEL_UNIT_VMSTATE(Tape3420, unit), VMSTATE_END,
};

static const DeviceClass tape3420_class = {
    .name = "3420",
    .desc = "IBM 3420 magnetic tape unit (AWS tape image)",
    .instance_size = sizeof(Tape3420),
    .props = tape_props,
    .vmstate = tape_vmstate,
    .vmstate_version = 2,
    .realize = tape_realize,
    .post_load = tape_post_load,
    .reset = tape_reset,
    .finalize = tape_finalize,
    .user_creatable = true,
};
DEVICE_REGISTER(tape3420_class)
