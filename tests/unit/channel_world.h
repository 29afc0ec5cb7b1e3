/*
 * The test world of the channel-unit suites (channel, dasd, tn3270): a
 * machine with RAM_SIZE bytes of RAM at 0, its storage keys, a channel
 * subsystem on the "channel" bus, and the I/O-interruption line it drives
 * (its level in line_level).  Define RAM_SIZE before including; each suite
 * gets its own copy of these statics.
 */
#ifndef DOPPEL_TEST_CHANNEL_WORLD_H
#define DOPPEL_TEST_CHANNEL_WORLD_H

#include <criterion/criterion.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/channel/channel.h"
#include "softmmu/memory.h"

static Machine M;
static MemoryRegion root, ram;
static AddressSpace as;
static uint8_t keys[RAM_SIZE >> 11];
static ChannelSubsystem *css;
static IrqLine line;
static int line_level;
static const ChannelIoOps *io = &channel_io_ops;

static inline void channel_world_line(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    line_level = level;
}

/* S/370 channels (esa false) or the ESA/390 channel subsystem. */
static inline void channel_world_init(bool esa)
{
    memset(&M, 0, sizeof M);
    memory_region_init_container(&root, "system", UINT64_MAX);
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE));
    memory_region_add_subregion(&root, 0, &ram, 0);
    address_space_init(&as, &root, "memory");
    M.as = &as;
    memset(keys, 0, sizeof keys);
    css = channel_subsystem_new(&M, esa);
    channel_subsystem_set_storage_keys(css, keys, RAM_SIZE);
    machine_add_bus(&M, "channel", css);
    irq_init(&line, channel_world_line, NULL, 0);
    line_level = 0;
    channel_subsystem_connect(css, &line);
}

static inline void channel_world_fini(void)
{
    device_free_all(&M);
    channel_subsystem_free(css);
    address_space_destroy(&as);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

#endif
