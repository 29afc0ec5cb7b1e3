/*
 * Fixture for the PCI suites: a machine without cpus whose physical map has
 * 2 MiB of RAM at 0, a 128 KiB BIOS ROM aliased at 0xe0000 and an option
 * ROM at 0xc0000 (as the PC board maps them), a 64 KiB port space, a fake
 * clock, and the i440FX host bridge reached through ports 0xcf8/0xcfc.
 */
#ifndef TEST_PCI_WORLD_H
#define TEST_PCI_WORLD_H

#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/pci.h"
#include "softmmu/memory.h"

#define PW_RAM_SIZE     0x200000ull
#define PW_BIOS_SIZE    0x20000ull
#define PW_OPTROM_BASE  0xc0000ull
#define PW_OPTROM_SIZE  0x8000ull
#define PW_BIOS_BYTE(o) ((uint8_t)(0xb0 ^ ((o) >> 8)))
#define PW_OPTROM_BYTE  0x55

typedef struct PciWorld {
    Machine m;
    MemoryRegion sysmem, io, ram, bios, bios_low, optrom;
    AddressSpace mem_as, io_as;
    int64_t now_ns;
    Device *host;
    PciBus *bus;
} PciWorld;

static PciWorld W;

static inline int64_t pw_now(void *opaque)
{
    return W.now_ns;
}

static inline void pw_setup(void)
{
    memset(&W, 0, sizeof W);
    W.m.clocks = clocks_new();
    clocks_set_host_source(W.m.clocks, pw_now, NULL);
    memory_region_init_container(&W.sysmem, "system", UINT64_MAX);
    address_space_init(&W.mem_as, &W.sysmem, "memory");
    W.m.system_memory = &W.sysmem;
    W.m.as = &W.mem_as;
    memory_region_init_container(&W.io, "io", 0x10000);
    address_space_init(&W.io_as, &W.io, "io");
    cr_assert(memory_region_init_ram(&W.ram, "ram", PW_RAM_SIZE));
    memory_region_add_subregion(&W.sysmem, 0, &W.ram, 0);
    cr_assert(memory_region_init_rom(&W.bios, "bios", PW_BIOS_SIZE));
    for (uint64_t o = 0; o < PW_BIOS_SIZE; o++)
        W.bios.host[o] = PW_BIOS_BYTE(o);
    memory_region_add_subregion(&W.sysmem, 0x100000000ull - PW_BIOS_SIZE, &W.bios, 0);
    memory_region_init_alias(&W.bios_low, "isa-bios", &W.bios, 0, PW_BIOS_SIZE);
    memory_region_add_subregion(&W.sysmem, 0x100000 - PW_BIOS_SIZE, &W.bios_low, 1);
    cr_assert(memory_region_init_rom(&W.optrom, "optrom", PW_OPTROM_SIZE));
    memset(W.optrom.host, PW_OPTROM_BYTE, PW_OPTROM_SIZE);
    memory_region_add_subregion(&W.sysmem, PW_OPTROM_BASE, &W.optrom, 1);
    W.host = i440fx_create(&W.m, &W.io, &W.sysmem, &W.ram, &W.bus);
    cr_assert_not_null(W.host);
    cr_assert_not_null(W.bus);
}

static inline void pw_teardown(void)
{
    device_free_all(&W.m);
    memory_region_destroy(&W.optrom);
    memory_region_destroy(&W.bios_low);
    memory_region_destroy(&W.bios);
    memory_region_destroy(&W.ram);
    address_space_destroy(&W.io_as);
    address_space_destroy(&W.mem_as);
    clocks_free(W.m.clocks);
}

/* ---- what the guest does ---- */

static inline uint32_t pw_in(uint16_t port, unsigned size)
{
    uint64_t v = 0;
    address_space_read_val(&W.io_as, port, size, false, &v);
    return (uint32_t)v;
}

static inline void pw_out(uint16_t port, unsigned size, uint32_t v)
{
    address_space_write_val(&W.io_as, port, size, false, v);
}

static inline uint32_t pw_peek(uint64_t paddr, unsigned size)
{
    uint64_t v = 0;
    address_space_read_val(&W.mem_as, paddr, size, false, &v);
    return (uint32_t)v;
}

static inline void pw_poke(uint64_t paddr, unsigned size, uint32_t v)
{
    address_space_write_val(&W.mem_as, paddr, size, false, v);
}

/* Configuration mechanism #1, as firmware does it. */
static inline uint32_t pw_cfg_read(uint8_t devfn, uint8_t reg, unsigned size)
{
    pw_out(0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc));
    return pw_in((uint16_t)(0xcfc + (reg & 3)), size);
}

static inline void pw_cfg_write(uint8_t devfn, uint8_t reg, unsigned size, uint32_t v)
{
    pw_out(0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc));
    pw_out((uint16_t)(0xcfc + (reg & 3)), size, v);
}

static inline void pw_advance_ns(int64_t ns)
{
    W.now_ns += ns;
    clocks_run_expired(W.m.clocks);
}

#endif
