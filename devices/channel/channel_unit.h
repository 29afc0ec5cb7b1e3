/*
 * The unit side of the channel subsystem: how a device (3215 console,
 * card reader, printer, later DASD and tape) attaches at a device number
 * and executes the commands of a channel program.
 *
 * The channel fetches and checks CCWs, follows command chaining and TIC,
 * handles SENSE (0x04) by asking the unit for its sense bytes, and moves
 * every byte between the unit and main storage itself: count, data
 * chaining, skip, indirect data addressing, key-controlled protection and
 * incorrect length are channel business.  A unit only sees commands:
 *
 *     static int rdr_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
 *     {
 *         ...
 *         channel_xfer_to_storage(x, card, 80);   // read: unit -> storage
 *         return UNIT_CHANNEL_END | UNIT_DEVICE_END;
 *     }
 *
 * execute returns the unit status that ends the command.  A unit that must
 * wait (a console read waiting for the operator) returns CHANNEL_UNIT_WAIT;
 * the channel program stays active, and later (from a chardev or timer
 * callback) the unit moves its data through channel_unit_xfer(u) and calls
 * channel_unit_complete(u, status).  Status that does not belong to a
 * command (attention, not-ready to ready) goes to channel_unit_status.
 *
 * Units never touch guest storage themselves.
 */
#ifndef DOPPEL_CHANNEL_UNIT_H
#define DOPPEL_CHANNEL_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device.h"
#include "devices/channel/subchannel.h"

typedef struct ChannelSubsystem ChannelSubsystem;
typedef struct ChannelUnit ChannelUnit;
typedef struct ChannelXfer ChannelXfer;
typedef struct Machine Machine;

/* Unit (device) status byte, PoO-370 §13 "Unit Status" / PoO-390 §16. */
enum {
    UNIT_ATTENTION = 0x80,
    UNIT_STATUS_MODIFIER = 0x40,
    UNIT_CONTROL_UNIT_END = 0x20,
    UNIT_BUSY = 0x10,
    UNIT_CHANNEL_END = 0x08,
    UNIT_DEVICE_END = 0x04,
    UNIT_CHECK = 0x02,
    UNIT_EXCEPTION = 0x01,
    UNIT_CE_DE = UNIT_CHANNEL_END | UNIT_DEVICE_END,
};

/* Sense byte 0 bits common to the unit-record devices. */
enum {
    SENSE_COMMAND_REJECT = 0x80,
    SENSE_INTERVENTION_REQUIRED = 0x40,
    SENSE_BUS_OUT_CHECK = 0x20,
    SENSE_EQUIPMENT_CHECK = 0x10,
    SENSE_DATA_CHECK = 0x08,
    SENSE_OVERRUN = 0x04,
};

/* Returned by execute: the unit finishes later (channel_unit_complete). */
#define CHANNEL_UNIT_WAIT (-1)

typedef struct ChannelUnitOps {
    /* Execute one command (never TIC or basic SENSE 0x04; SENSE ID 0xE4
     * and the other sense-type codes come here).  Data moves with
     * channel_xfer_to_storage (read-type commands) and
     * channel_xfer_from_storage (write and control commands).  Returns
     * the ending unit status, or CHANNEL_UNIT_WAIT. */
    int (*execute)(ChannelUnit *u, uint8_t cmd, ChannelXfer *x);
    /* Copy up to len sense bytes into buf (SENSE); returns how many the
     * unit has.  The unit then resets its sense information. */
    unsigned (*sense)(ChannelUnit *u, uint8_t *buf, unsigned len);
    /* Halt or clear signal while a command waits: forget it.  Optional. */
    void (*halt)(ChannelUnit *u);
    /* System reset of the unit.  Optional (device reset usually does it). */
    void (*reset)(ChannelUnit *u);
} ChannelUnitOps;

struct ChannelUnit {
    const ChannelUnitOps *ops;
    void *opaque; /* the device */
    uint16_t devno;
    /* Set by the channel subsystem at attach. */
    ChannelSubsystem *css;
    void *sch; /* &subchannel while attached */
    Subchannel subchannel;
};

/* The fields of the unit's subchannel for the unit device's state table
 * (S: the device struct, u: its ChannelUnit member): PMCW, SCSW, the
 * channel program in progress and the queued interruption.  The unit's
 * post_load must call channel_unit_post_load. */
#define CHANNEL_UNIT_VMSTATE(S, u)                                                                 \
    VMSTATE_U32(S, u.subchannel.intparm), VMSTATE_U8(S, u.subchannel.isc),                         \
        VMSTATE_BOOL(S, u.subchannel.enabled), VMSTATE_U8(S, u.subchannel.limit_mode),             \
        VMSTATE_U8(S, u.subchannel.measure_mode), VMSTATE_BOOL(S, u.subchannel.multipath),         \
        VMSTATE_BOOL(S, u.subchannel.concurrent_sense), VMSTATE_U8(S, u.subchannel.lpm),           \
        VMSTATE_U8(S, u.subchannel.lpum), VMSTATE_U16(S, u.subchannel.mbi),                        \
        VMSTATE_U8(S, u.subchannel.key), VMSTATE_BOOL(S, u.subchannel.suspend_ctl),                \
        VMSTATE_BOOL(S, u.subchannel.ils), VMSTATE_U8(S, u.subchannel.dcc),                        \
        VMSTATE_U8(S, u.subchannel.flags1), VMSTATE_U8(S, u.subchannel.fc),                        \
        VMSTATE_U8(S, u.subchannel.ac), VMSTATE_U8(S, u.subchannel.sc),                            \
        VMSTATE_U32(S, u.subchannel.ccw_addr), VMSTATE_U8(S, u.subchannel.dstat),                  \
        VMSTATE_U8(S, u.subchannel.cstat), VMSTATE_U16(S, u.subchannel.count),                     \
        VMSTATE_U8(S, u.subchannel.x.cmd), VMSTATE_U8(S, u.subchannel.x.flags),                    \
        VMSTATE_U16(S, u.subchannel.x.count), VMSTATE_U32(S, u.subchannel.x.data),                 \
        VMSTATE_U32(S, u.subchannel.x.idaw), VMSTATE_U32(S, u.subchannel.x.room),                  \
        VMSTATE_U32(S, u.subchannel.x.moved), VMSTATE_BOOL(S, u.subchannel.x.overrun),             \
        VMSTATE_BOOL(S, u.subchannel.x.stopped), VMSTATE_U32(S, u.subchannel.next_ccw),            \
        VMSTATE_BOOL(S, u.subchannel.chain_data), VMSTATE_BOOL(S, u.subchannel.fmt1),              \
        VMSTATE_BOOL(S, u.subchannel.waiting), VMSTATE_BOOL(S, u.subchannel.first),                \
        VMSTATE_BOOL(S, u.subchannel.initial), VMSTATE_BOOL(S, u.subchannel.status_only),          \
        VMSTATE_BOOL(S, u.subchannel.continuing), VMSTATE_U64(S, u.subchannel.continue_ns),        \
        VMSTATE_U8(S, u.subchannel.unsolicited), VMSTATE_U64(S, u.subchannel.irq_seq)

/* After the unit's state was loaded: requeue its interruption after those
 * already queued in the same order, resume a program that was running on
 * from the scheduler, and re-drive the I/O-interruption line. */
void channel_unit_post_load(ChannelUnit *u);

/* The machine's channel subsystem (the board's "channel" bus), or NULL. */
ChannelSubsystem *channel_subsystem_of(Machine *m);
/* "00c", "0x190": 1 to 4 hex digits.  False if malformed. */
bool channel_parse_devno(const char *text, uint16_t *devno);

/* Attach at u->devno: the next subchannel in order of attachment (ESA/390)
 * or I/O address devno (S/370).  False with a reason if the number is
 * taken or the subsystem is full. */
bool channel_unit_attach(ChannelSubsystem *css, ChannelUnit *u, char *err, size_t errlen);
void channel_unit_detach(ChannelUnit *u);

/* Data transfer of the command in progress; both return the bytes moved,
 * fewer than len when the count (with data chaining) is exhausted or a
 * channel error ended the transfer. */
size_t channel_xfer_to_storage(ChannelXfer *x, const void *buf, size_t len);
size_t channel_xfer_from_storage(ChannelXfer *x, void *buf, size_t len);
/* For units that take whatever the program gives (console, printer): up
 * to max bytes of the command's remaining output data, following data
 * chaining; 0 when it is all taken.  Never counts as asking for more. */
size_t channel_xfer_take(ChannelXfer *x, void *buf, size_t max);
/* Bytes left in the CCW in control (without later data-chained CCWs). */
uint32_t channel_xfer_count(const ChannelXfer *x);
/* The command's CCW flags had SLI or skip: units need not care; exposed
 * for units that size records by the count (rare). */
uint8_t channel_xfer_flags(const ChannelXfer *x);

/* A waiting command (execute returned CHANNEL_UNIT_WAIT): its transfer
 * handle, NULL if none is waiting (halted meanwhile), and its end. */
ChannelXfer *channel_unit_xfer(ChannelUnit *u);
void channel_unit_complete(ChannelUnit *u, uint8_t status);
/* Unsolicited status (attention, device end after becoming ready): made
 * pending at once when the subchannel is idle, else when it becomes idle. */
void channel_unit_status(ChannelUnit *u, uint8_t status);

#endif
