/*
 * PC/AT system control port B at 0x61 (IBM PC AT Technical Reference,
 * "System Board I/O Address Map", port 61h):
 *   bit 0  timer 2 gate (write/read back)     bit 4  refresh request toggle
 *   bit 1  speaker data enable                bit 5  timer 2 OUT
 *   bit 2  parity check disable (stored)      bit 6  I/O channel check (0)
 *   bit 3  I/O channel check disable (stored) bit 7  parity check (0)
 * The speaker makes no sound here.  Bit 4 flips with every DRAM refresh
 * cycle, every 15.085 us of virtual time; firmware delay loops count it.
 */
#include "devices/timer/port61.h"

#include <stdio.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/timer/i8254.h"
#include "softmmu/memory.h"

#define PORT61_ADDR       0x61
#define REFRESH_PERIOD_NS 15085

enum {
    P61_TIMER2_GATE = 0x01,
    P61_SPEAKER = 0x02,
    P61_WRITABLE = 0x0f,
    P61_REFRESH = 0x10,
    P61_TIMER2_OUT = 0x20,
};

typedef struct Port61 {
    Device dev;
    MemoryRegion mr;
    Device *pit;
    uint8_t control; /* bits 0-3 as written */
} Port61;

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    Port61 *s = opaque;
    int64_t now = clock_get_ns(s->dev.machine->clocks, CLK_VIRTUAL);
    uint8_t val = s->control;
    if ((now / REFRESH_PERIOD_NS) & 1) val |= P61_REFRESH;
    if (i8254_get_out(s->pit, 2)) val |= P61_TIMER2_OUT;
    return val;
}

static void port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Port61 *s = opaque;
    s->control = (uint8_t)value & P61_WRITABLE;
    i8254_set_gate(s->pit, 2, s->control & P61_TIMER2_GATE);
}

static const MemoryRegionOps port61_ops = {
    .read = port61_read,
    .write = port61_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static void port61_reset(Device *dev)
{
    Port61 *s = (Port61 *)dev;
    s->control = 0;
    i8254_set_gate(s->pit, 2, false);
}

static void port61_post_load(Device *dev)
{
    Port61 *s = (Port61 *)dev;
    s->control &= P61_WRITABLE;
}

static bool port61_realize(Device *dev, Machine *m)
{
    Port61 *s = (Port61 *)dev;
    if (!m || !m->clocks || !s->pit) {
        fprintf(stderr, "doppel: port61: needs a machine with clocks and an i8254\n");
        return false;
    }
    memory_region_init_io(&s->mr, "port61", 1, &port61_ops, s);
    return true;
}

static void port61_finalize(Device *dev)
{
    Port61 *s = (Port61 *)dev;
    memory_region_destroy(&s->mr);
}

static const VMStateField port61_vmstate[] = {
    VMSTATE_U8(Port61, control),
    VMSTATE_END,
};

static const DeviceClass port61_class = {
    .name = "port61",
    .desc = "PC/AT system control port B (timer 2 gate, speaker, refresh toggle)",
    .instance_size = sizeof(Port61),
    .vmstate = port61_vmstate,
    .vmstate_version = 1,
    .realize = port61_realize,
    .reset = port61_reset,
    .post_load = port61_post_load,
    .finalize = port61_finalize,
};
DEVICE_REGISTER(port61_class)

Device *port61_create(Machine *m, MemoryRegion *io, Device *pit)
{
    Device *dev = device_create(m, "port61");
    if (!dev) return NULL;
    ((Port61 *)dev)->pit = pit;
    if (!device_realize(dev)) return NULL;
    if (io) memory_region_add_subregion(io, PORT61_ADDR, &((Port61 *)dev)->mr, 0);
    return dev;
}

MemoryRegion *port61_region(Device *dev)
{
    return &((Port61 *)dev)->mr;
}
