/*
 * The interface between an S/370-family CPU and its I/O system (blueprint
 * §2: cross-cutting needs go through small interfaces in core/).  The CPU's
 * I/O instructions call through ChannelIoOps; the channel subsystem
 * (devices/channel/) implements it and raises ChannelIo.pending when an I/O
 * interruption becomes pending.  Neither side includes the other.
 *
 * Storage keys are shared too: one byte per 2 KiB block of main storage,
 * in the layout of PoO GA22-7000 §3 "Storage Key" (ESA/390 keys cover
 * 4 KiB, i.e. two consecutive bytes kept equal by SSKE).  Channel programs
 * check the key of the CAW/ORB against them and set reference and change
 * bits as the CPU does.
 */
#ifndef DOPPEL_CHANNEL_IO_H
#define DOPPEL_CHANNEL_IO_H

#include <stdbool.h>
#include <stdint.h>

#define STORAGE_KEY_BLOCK_BITS 11   /* 2 KiB per key byte */
#define STORAGE_KEY_ACC        0xf0 /* access-control bits */
#define STORAGE_KEY_FETCH      0x08 /* fetch-protection bit */
#define STORAGE_KEY_REF        0x04 /* reference bit */
#define STORAGE_KEY_CHANGE     0x02 /* change bit */

/* Access check of PoO GA22-7000 §3 "Key-Controlled Protection": key 0
 * matches everything; a fetch is refused only with the fetch bit set. */
static inline bool storage_key_allows(uint8_t storage_key, uint8_t access_key, bool store)
{
    if (access_key == 0 || (storage_key & STORAGE_KEY_ACC) == (uint8_t)(access_key << 4))
        return true;
    return !store && !(storage_key & STORAGE_KEY_FETCH);
}

/* Program-exception results an ESA/390 channel-subsystem call may return
 * instead of a condition code; the CPU raises them. */
enum {
    CHANNEL_OPERAND_EXCEPTION = -1,
    CHANNEL_SPECIFICATION_EXCEPTION = -2,
};

typedef struct ChannelIoOps {
    /* ---- S/370 channel I/O (GA22-7000 chapter 13) ----
     * devaddr is the 16-bit I/O address (channel << 8 | device).  psa is
     * the absolute address of the CPU's prefix area: the CAW is read at
     * psa+72 and a CSW, when the instruction stores one, at psa+64.  Each
     * returns the condition code 0..3. */
    int (*start_io)(void *opaque, uint16_t devaddr, bool fast, uint64_t psa);  /* SIO, SIOF */
    int (*test_io)(void *opaque, uint16_t devaddr, uint64_t psa);              /* TIO */
    int (*halt_io)(void *opaque, uint16_t devaddr, bool device, uint64_t psa); /* HIO, HDV */
    int (*clear_io)(void *opaque, uint16_t devaddr, uint64_t psa);             /* CLRIO */
    int (*test_channel)(void *opaque, uint8_t channel);                        /* TCH */
    int (*store_channel_id)(void *opaque, uint8_t channel, uint64_t psa);      /* STIDC, psa+168 */
    /* Take the highest-priority pending I/O interruption of a channel
     * enabled in channel_mask (bit 31-n for channel n, PoO §13 "channel
     * masks"): store its CSW at psa+64, return its I/O address in
     * *devaddr and true; false when none is pending and enabled. */
    bool (*s370_interrupt)(void *opaque, uint32_t channel_mask, uint64_t psa, uint16_t *devaddr);

    /* ---- ESA/390 channel subsystem (SA22-7201 chapters 14-17) ----
     * schid is the subchannel number (low 16 bits of the subsystem-
     * identification word; the CPU has checked the 0x0001 in its high
     * half).  Control blocks travel as bytes in guest (big-endian) order;
     * the CPU reads and stores them with its own access rules.  Results
     * are a condition code or a CHANNEL_*_EXCEPTION. */
    int (*start_subchannel)(void *opaque, uint16_t schid, const uint8_t orb[32]);    /* SSCH */
    int (*test_subchannel)(void *opaque, uint16_t schid, uint8_t irb[96]);           /* TSCH */
    int (*store_subchannel)(void *opaque, uint16_t schid, uint8_t schib[52]);        /* STSCH */
    int (*modify_subchannel)(void *opaque, uint16_t schid, const uint8_t schib[52]); /* MSCH */
    int (*halt_subchannel)(void *opaque, uint16_t schid);                            /* HSCH */
    int (*clear_subchannel)(void *opaque, uint16_t schid);                           /* CSCH */
    int (*resume_subchannel)(void *opaque, uint16_t schid);                          /* RSCH */
    int (*cancel_subchannel)(void *opaque, uint16_t schid);                          /* XSCH */
    /* Take a pending I/O interruption whose ISC is enabled in isc_mask
     * (bit 7-n for ISC n, from CR6 bits 0-7): fill code[0] with the
     * subsystem-identification word, code[1] with the interruption
     * parameter; true if one was taken. */
    bool (*esa_interrupt)(void *opaque, uint8_t isc_mask, uint32_t code[2]);
} ChannelIoOps;

/* What a CPU holds of its I/O system. */
typedef struct ChannelIo {
    const ChannelIoOps *ops;
    void *opaque;
} ChannelIo;

#endif
