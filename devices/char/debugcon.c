/*
 * debugcon (devices/char/debugcon.h): a write-only byte port to a chardev.
 * Reads return 0xe9, the value firmware (Bochs, SeaBIOS) tests for to see
 * whether the port exists.
 */
#include "devices/char/debugcon.h"

#include <stdio.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define DEBUGCON_READBACK 0xe9

typedef struct Debugcon {
    Device dev;
    MemoryRegion mr;
    MemoryRegion *io;
    uint16_t port;
    Chardev *chr;
} Debugcon;

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Debugcon *s = opaque;
    uint8_t b = (uint8_t)value;
    if (s->chr) chardev_write(s->chr, &b, 1);
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static bool debugcon_realize(Device *dev, Machine *m)
{
    Debugcon *s = (Debugcon *)dev;
    if (!s->io) {
        fprintf(stderr, "doppel: debugcon: no I/O port space to map into\n");
        return false;
    }
    memory_region_init_io(&s->mr, "debugcon", 1, &debugcon_ops, s);
    memory_region_add_subregion(s->io, s->port, &s->mr, 0);
    return true;
}

static void debugcon_finalize(Device *dev)
{
    Debugcon *s = (Debugcon *)dev;
    if (s->io) memory_region_destroy(&s->mr);
}

static const Property debugcon_props[] = {
    DEFINE_PROP_U16("iobase", Debugcon, port, DEBUGCON_PORT, "I/O port"),
    DEFINE_PROP_CHARDEV("chardev", Debugcon, chr, "where the bytes go"),
    DEFINE_PROP_END,
};

/* No guest-visible state: a write acts at once and nothing is latched
 * (the chardev or exit status it reaches is host side).  The empty table
 * says so to snapshots. */
static const VMStateField debugcon_vmstate[] = {
    VMSTATE_END,
};

static const DeviceClass debugcon_class = {
    .name = "isa-debugcon",
    .desc = "x86 debug console port: bytes written go to a chardev (SeaBIOS log)",
    .instance_size = sizeof(Debugcon),
    .vmstate = debugcon_vmstate,
    .props = debugcon_props,
    .realize = debugcon_realize,
    .finalize = debugcon_finalize,
};
DEVICE_REGISTER(debugcon_class)

Device *debugcon_create(Machine *m, MemoryRegion *io, uint16_t port, Chardev *chr)
{
    Debugcon *s = (Debugcon *)device_create(m, "isa-debugcon");
    if (!s) return NULL;
    s->io = io;
    s->port = port;
    s->chr = chr;
    if (!device_realize(&s->dev)) return NULL;
    return &s->dev;
}
