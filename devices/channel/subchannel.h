/*
 * The subchannel's state (PoO-390 §15 "Subchannel-Status Word" and
 * "Path-Management-Control Word"; the S/370 channel state seen through
 * them, PoO-370 §13).  Each attached unit carries its subchannel inside
 * its ChannelUnit, so the unit device's state table saves it with the
 * unit (CHANNEL_UNIT_VMSTATE); only channel_*.c read or write the fields.
 */
#ifndef DOPPEL_SUBCHANNEL_H
#define DOPPEL_SUBCHANNEL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ChannelSubsystem ChannelSubsystem;
typedef struct ChannelUnit ChannelUnit;
typedef struct ChannelXfer ChannelXfer;

/* The transfer state of the CCW in control. */
struct ChannelXfer {
    struct Subchannel *sch;
    uint8_t cmd;    /* command of the operation (kept over data chaining) */
    uint8_t flags;  /* flags of the CCW in control */
    uint16_t count; /* its residual count */
    uint32_t data;  /* next data address (inside the current IDAW's block) */
    uint32_t idaw;  /* address of the next IDAW */
    uint32_t room;  /* IDA: bytes left in the current block */
    uint32_t moved; /* bytes moved for this command so far */
    bool overrun;   /* the unit offered or asked for more than the count */
    bool stopped;   /* a channel error ended the data transfer */
};

typedef struct Subchannel {
    ChannelSubsystem *css;
    ChannelUnit *unit;
    uint16_t schid; /* order of attachment */
    uint16_t devno;

    /* PMCW (PoO-390 §15 "Path-Management-Control Word") */
    uint32_t intparm;
    uint8_t isc;
    bool enabled;
    uint8_t limit_mode, measure_mode;
    bool multipath, concurrent_sense;
    uint8_t lpm, lpum;
    uint16_t mbi;

    /* SCSW */
    uint8_t key;
    bool suspend_ctl; /* ORB S */
    bool ils;         /* ORB L: no IL for format-1 immediate commands */
    uint8_t dcc;      /* deferred condition code */
    uint8_t flags1;   /* SCSW byte 1 (SCSW_F ...) */
    uint8_t fc, ac, sc;
    uint32_t ccw_addr; /* address of the CCW in control + 8 */
    uint8_t dstat, cstat;
    uint16_t count;

    /* Channel program in progress (channel_ccw.c) */
    ChannelXfer x;
    uint32_t next_ccw; /* address of the next CCW to fetch */
    bool chain_data;   /* the CCW in control has CD: the next continues it */
    bool fmt1;
    bool waiting;         /* the unit returned CHANNEL_UNIT_WAIT */
    bool first;           /* no command chaining yet */
    bool initial;         /* ended at initiation: S/370 SIO stores the CSW (cc 1) */
    bool status_only;     /* ... with only its status portion */
    bool continuing;      /* budget exhausted: runs on from the scheduler */
    uint64_t continue_ns; /* ... at this virtual time */
    bool in_start;        /* inside the starting instruction */

    uint8_t unsolicited; /* unit status waiting for the subchannel to be free */
    uint64_t irq_seq;    /* nonzero: an interruption request is queued */

    bool css_owned; /* a detached unit's leftover, freed with the subsystem */
} Subchannel;

#endif
