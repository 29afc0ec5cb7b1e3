/*
 * isa-debug-exit: a write of v to any of its ports ends the run with exit
 * status (v << 1) | 1 (QEMU's convention; reads return 0).  The port range
 * is mapped in the "isa" bus of the machine, its I/O port space.
 */
#include "devices/misc/isa_debug_exit.h"

#include <stdio.h>

#include "core/device.h"
#include "core/machine.h"
#include "softmmu/memory.h"

typedef struct IsaDebugExit {
    Device dev;
    MemoryRegion mr;
    uint16_t iobase, iosize;
    MemoryRegion *io; /* the port space it is mapped in */
} IsaDebugExit;

static uint64_t isa_debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static void isa_debug_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    IsaDebugExit *s = opaque;
    if (s->dev.machine) machine_request_exit(s->dev.machine, (int)(((uint32_t)value << 1) | 1));
}

static const MemoryRegionOps isa_debug_exit_ops = {
    .read = isa_debug_exit_read,
    .write = isa_debug_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
    .unaligned = true, /* any size at any port of the range, as on QEMU */
};

static bool isa_debug_exit_realize(Device *dev, Machine *m)
{
    IsaDebugExit *s = (IsaDebugExit *)dev;
    s->io = m ? machine_find_bus(m, ISA_DEBUG_EXIT_BUS) : NULL;
    if (!s->io) {
        fprintf(stderr, "doppel: isa-debug-exit: this machine has no ISA I/O port space\n");
        return false;
    }
    if (s->iosize == 0 || (uint32_t)s->iobase + s->iosize > 0x10000) {
        fprintf(stderr, "doppel: isa-debug-exit: ports 0x%x+0x%x are outside 0-0xffff\n", s->iobase,
                s->iosize);
        return false;
    }
    memory_region_init_io(&s->mr, "isa-debug-exit", s->iosize, &isa_debug_exit_ops, s);
    /* Priority 1: over a board device at the same ports, as a test wants. */
    memory_region_add_subregion(s->io, s->iobase, &s->mr, 1);
    return true;
}

static void isa_debug_exit_finalize(Device *dev)
{
    IsaDebugExit *s = (IsaDebugExit *)dev;
    if (s->io) memory_region_destroy(&s->mr); /* unmaps it too */
}

static const Property isa_debug_exit_props[] = {
    DEFINE_PROP_U16("iobase", IsaDebugExit, iobase, 0x501, "first I/O port"),
    DEFINE_PROP_U16("iosize", IsaDebugExit, iosize, 0x02, "number of I/O ports"),
    DEFINE_PROP_END,
};

/* No guest-visible state: a write acts at once and nothing is latched
 * (the chardev or exit status it reaches is host side).  The empty table
 * says so to snapshots. */
static const VMStateField isadebugexit_vmstate[] = {
    VMSTATE_END,
};

static const DeviceClass isa_debug_exit_class = {
    .name = "isa-debug-exit",
    .desc = "x86 test exit port: a write of v exits with status (v << 1) | 1",
    .instance_size = sizeof(IsaDebugExit),
    .vmstate = isadebugexit_vmstate,
    .props = isa_debug_exit_props,
    .user_creatable = true,
    .realize = isa_debug_exit_realize,
    .finalize = isa_debug_exit_finalize,
};
DEVICE_REGISTER(isa_debug_exit_class)

Device *isa_debug_exit_create(Machine *m, uint16_t iobase, uint16_t iosize)
{
    Device *dev = device_create(m, "isa-debug-exit");
    if (!dev) return NULL;
    IsaDebugExit *s = (IsaDebugExit *)dev;
    s->iobase = iobase;
    s->iosize = iosize;
    return device_realize(dev) ? dev : NULL;
}
