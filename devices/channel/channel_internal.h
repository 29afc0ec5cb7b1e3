/*
 * Inside the channel subsystem: the subchannel (one per attached unit) in
 * the ESA/390 terms of PoO-390 §15 "Subchannel-Status Word", which also
 * carries the S/370 channel state (a pending CSW is the SCSW seen through
 * PoO-370 §13 "Channel-Status Word").  channel.c owns the subsystem,
 * storage access and interruption queue; channel_ccw.c runs channel
 * programs; channel_s370.c and channel_esa.c are the instructions.
 */
#ifndef DOPPEL_CHANNEL_INTERNAL_H
#define DOPPEL_CHANNEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/channel/channel.h"
#include "devices/channel/channel_unit.h"

struct AddressSpace;
struct Timer;

/* CCW flags (PoO-370 §13 "Channel Command Word", PoO-390 §15). */
enum {
    CCW_CD = 0x80,
    CCW_CC = 0x40,
    CCW_SLI = 0x20,
    CCW_SKIP = 0x10,
    CCW_PCI = 0x08,
    CCW_IDA = 0x04,
    CCW_SUSPEND = 0x02,
    CCW_FLAG_RESERVED = 0x01,
};

/* Channel (subchannel) status byte. */
enum {
    CHN_PCI = 0x80,
    CHN_INCORRECT_LENGTH = 0x40,
    CHN_PROGRAM_CHECK = 0x20,
    CHN_PROTECTION_CHECK = 0x10,
    CHN_DATA_CHECK = 0x08,
    CHN_CONTROL_CHECK = 0x04,
    CHN_INTERFACE_CHECK = 0x02,
    CHN_CHAINING_CHECK = 0x01,
    CHN_ERRORS = 0x7f, /* everything but PCI ends chaining */
};

/* SCSW word 0 fields (PoO-390 §16, fig. "Subchannel-Status Word"). */
enum {
    /* byte 1 */
    SCSW_F = 0x80, /* format-1 CCWs */
    SCSW_P = 0x40, /* prefetch */
    SCSW_I = 0x20, /* initial-status interruption */
    SCSW_A = 0x10, /* address-limit checking */
    SCSW_U = 0x08, /* suppress suspended interruption */
    SCSW_Z = 0x04, /* zero condition code */
    /* function control (bits 17-19) */
    FC_START = 0x4,
    FC_HALT = 0x2,
    FC_CLEAR = 0x1,
    /* activity control (bits 20-26) */
    AC_RESUME_PENDING = 0x40,
    AC_START_PENDING = 0x20,
    AC_HALT_PENDING = 0x10,
    AC_CLEAR_PENDING = 0x08,
    AC_SUBCHANNEL_ACTIVE = 0x04,
    AC_DEVICE_ACTIVE = 0x02,
    AC_SUSPENDED = 0x01,
    /* status control (bits 27-31) */
    SC_ALERT = 0x10,
    SC_INTERMEDIATE = 0x08,
    SC_PRIMARY = 0x04,
    SC_SECONDARY = 0x02,
    SC_PENDING = 0x01,
};

struct ChannelSubsystem {
    Machine *machine;
    struct AddressSpace *as;
    bool esa;
    uint8_t *keys;
    uint64_t storage_size; /* 0: not known, rely on the map */
    IrqLine *pending;
    Subchannel **sch;
    unsigned nsch, cap;
    uint64_t irq_counter;
    struct Timer *continue_timer;
};

/* channel.c */
Subchannel *channel_find_devno(ChannelSubsystem *css, uint16_t devno);
/* Key-controlled access to main storage for channel programs (PoO-370
 * §3 "Key-Controlled Protection" and §13 "Protection Check"): 0, or the
 * channel status of the error; *done bytes were moved before it. */
uint8_t channel_storage(ChannelSubsystem *css, uint64_t addr, void *buf, uint32_t len, uint8_t key,
                        bool store, uint32_t *done);
/* Absolute storage without keys (PSA fields). */
void channel_abs_read(ChannelSubsystem *css, uint64_t addr, void *buf, uint32_t len);
void channel_abs_write(ChannelSubsystem *css, uint64_t addr, const void *buf, uint32_t len);
/* Status of sch became pending: queue an interruption request. */
void channel_make_pending(Subchannel *sch);
/* The pending status was taken (interruption, TSCH, TIO, CLRIO). */
void channel_clear_status(Subchannel *sch);
void channel_dequeue(Subchannel *sch);
void channel_update_line(ChannelSubsystem *css);
bool channel_presentable(const Subchannel *sch);
/* A channel program ran out of its slice: continue it soon. */
void channel_schedule(ChannelSubsystem *css);
void channel_run_scheduled(ChannelSubsystem *css);

/* channel_ccw.c */
void channel_program_start(Subchannel *sch, uint32_t ccw_addr, uint8_t key, bool fmt1);
void channel_program_continue(Subchannel *sch);
/* Halt/clear: stop the program (unit told), status as of now. */
void channel_program_stop(Subchannel *sch);
bool channel_working(const Subchannel *sch);
void channel_store_scsw(const Subchannel *sch, uint8_t out[12]);
void channel_make_csw(const Subchannel *sch, uint8_t csw[8]);

/* channel_s370.c and channel_esa.c: the ChannelIoOps entries. */
int channel_s370_start_io(void *opaque, uint16_t devaddr, bool fast, uint64_t psa);
int channel_s370_test_io(void *opaque, uint16_t devaddr, uint64_t psa);
int channel_s370_halt_io(void *opaque, uint16_t devaddr, bool device, uint64_t psa);
int channel_s370_clear_io(void *opaque, uint16_t devaddr, uint64_t psa);
int channel_s370_test_channel(void *opaque, uint8_t channel);
int channel_s370_store_channel_id(void *opaque, uint8_t channel, uint64_t psa);
bool channel_s370_interrupt(void *opaque, uint32_t channel_mask, uint64_t psa, uint16_t *devaddr);
int channel_esa_start(void *opaque, uint16_t schid, const uint8_t orb[32]);
int channel_esa_test(void *opaque, uint16_t schid, uint8_t irb[96]);
int channel_esa_store(void *opaque, uint16_t schid, uint8_t schib[52]);
int channel_esa_modify(void *opaque, uint16_t schid, const uint8_t schib[52]);
int channel_esa_halt(void *opaque, uint16_t schid);
int channel_esa_clear(void *opaque, uint16_t schid);
int channel_esa_resume(void *opaque, uint16_t schid);
int channel_esa_cancel(void *opaque, uint16_t schid);
bool channel_esa_interrupt(void *opaque, uint8_t isc_mask, uint32_t code[2]);

static inline void channel_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline uint32_t channel_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
