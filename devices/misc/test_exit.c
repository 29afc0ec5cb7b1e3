/*
 * test-exit: a write of v ends the emulator with status (v << 1) | 1.
 * This is QEMU's isa-debug-exit convention (status 1 can only come from
 * the device, never from a clean shutdown).  The register works at any
 * base, so x86 boards map it in port I/O space at 0xf4 and others in MMIO.
 */
#include "devices/misc/test_exit.h"

#include <stdio.h>

#include "core/device.h"
#include "core/machine.h"
#include "softmmu/memory.h"

typedef struct TestExit {
    Device dev;
    MemoryRegion mr;
    uint64_t addr;     /* -device test-exit,addr=: where realize maps it */
    bool board_mapped; /* created by test_exit_create: the board maps it */
} TestExit;

#define TEST_EXIT_UNMAPPED UINT64_MAX

static uint64_t test_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static void test_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    TestExit *te = opaque;
    if (te->dev.machine) machine_request_exit(te->dev.machine, (int)(((uint32_t)value << 1) | 1));
}

static const MemoryRegionOps test_exit_ops = {
    .read = test_exit_read,
    .write = test_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

static bool test_exit_realize(Device *dev, Machine *m)
{
    TestExit *te = (TestExit *)dev;
    if (!te->board_mapped && te->addr == TEST_EXIT_UNMAPPED) {
        fprintf(stderr, "doppel: test-exit: needs addr= (the register's physical address)\n");
        return false;
    }
    memory_region_init_io(&te->mr, "test-exit", 4, &test_exit_ops, te);
    /* From -device: over whatever is there (RAM included), as a test
     * harness wants; boards map it themselves with test_exit_create. */
    if (te->addr != TEST_EXIT_UNMAPPED && m && m->system_memory)
        memory_region_add_subregion(m->system_memory, te->addr, &te->mr, 1);
    return true;
}

static void test_exit_finalize(Device *dev)
{
    TestExit *te = (TestExit *)dev;
    memory_region_destroy(&te->mr); /* unmaps it too */
}

static const Property test_exit_props[] = {
    DEFINE_PROP_U64("addr", TestExit, addr, TEST_EXIT_UNMAPPED,
                    "physical address of the 4-byte register (required with -device)"),
    DEFINE_PROP_END,
};

/* No guest-visible state: a write acts at once and nothing is latched
 * (the chardev or exit status it reaches is host side).  The empty table
 * says so to snapshots. */
static const VMStateField testexit_vmstate[] = {
    VMSTATE_END,
};

static const DeviceClass test_exit_class = {
    .name = "test-exit",
    .desc = "test exit register: a write of v exits with status (v << 1) | 1",
    .instance_size = sizeof(TestExit),
    .vmstate = testexit_vmstate,
    .props = test_exit_props,
    .user_creatable = true,
    .realize = test_exit_realize,
    .finalize = test_exit_finalize,
};
DEVICE_REGISTER(test_exit_class)

Device *test_exit_create(Machine *m, MemoryRegion *parent, uint64_t addr)
{
    Device *dev = device_create(m, "test-exit");
    if (!dev) return NULL;
    ((TestExit *)dev)->board_mapped = true;
    if (!device_realize(dev)) return NULL;
    if (parent) memory_region_add_subregion(parent, addr, &((TestExit *)dev)->mr, 0);
    return dev;
}

MemoryRegion *test_exit_region(Device *dev)
{
    return &((TestExit *)dev)->mr;
}
