/*
 * A small PC-like world for the PIIX3 IDE tests: a PCI bus with a memory
 * container holding 1 MiB of RAM at 0, a 64 KiB port space, the
 * controller at 00:01.1 with IRQ lines the test observes, and disk images
 * in a mkdtemp directory.  Tests talk to the device only through ports,
 * PCI configuration cycles and guest memory, as a driver would.
 */
#ifndef DOPPEL_TEST_IDE_FIXTURE_H
#define DOPPEL_TEST_IDE_FIXTURE_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "core/device.h"
#include "devices/ide/piix_ide.h"
#include "devices/pci/pci.h"
#include "softmmu/memory.h"

#define IDE_DEVFN   PCI_DEVFN(1, 1)
#define IDE_BM_BASE 0xc000
#define IDE_RAM     (1u << 20)

typedef struct IdeWorld {
    MemoryRegion sysmem, ram, io;
    AddressSpace as, io_as;
    PciBus *bus;
    IrqLine irq[2];
    int irq_rises[2];
    Device *dev;
    char dir[64];
    BlockBackend *blk[4];
} IdeWorld;

static IdeWorld W;

static void ide_irq_handler(void *opaque, int n, int level)
{
    if (level) W.irq_rises[n]++;
}

/* Byte pattern of a disk image: differs per byte and per sector. */
static inline uint8_t ide_pattern(uint64_t off)
{
    return (uint8_t)((off % 251) ^ (off / 512 * 7));
}

static inline void ide_world_init(void)
{
    memset(&W, 0, sizeof W);
    memory_region_init_container(&W.sysmem, "system", 1ull << 32);
    cr_assert(memory_region_init_ram(&W.ram, "ram", IDE_RAM));
    memory_region_add_subregion(&W.sysmem, 0, &W.ram, 0);
    memory_region_init_container(&W.io, "io", 0x10000);
    address_space_init(&W.as, &W.sysmem, "memory");
    address_space_init(&W.io_as, &W.io, "io");
    W.bus = pci_bus_new(NULL, &W.sysmem, &W.io, &W.as);
    cr_assert_not_null(W.bus);
    for (int i = 0; i < 2; i++)
        irq_init(&W.irq[i], ide_irq_handler, NULL, i);
    strcpy(W.dir, "/tmp/doppel-ide-XXXXXX");
    cr_assert_not_null(mkdtemp(W.dir));
}

/* A raw image of size bytes filled with ide_pattern (sparse past fill). */
static inline char *ide_make_raw(const char *name, uint64_t size, uint64_t fill)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", W.dir, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, (off_t)size), 0);
    uint8_t buf[4096];
    for (uint64_t off = 0; off < fill; off += sizeof buf) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = ide_pattern(off + i);
        cr_assert_eq(pwrite(fd, buf, sizeof buf, (off_t)off), (ssize_t)sizeof buf);
    }
    close(fd);
    return path;
}

static inline BlockBackend *ide_open(const char *path, bool read_only)
{
    char err[256];
    BlockBackend *blk =
        blk_open(&(BlockOpenOptions){.file = path, .read_only = read_only}, err, sizeof err);
    cr_assert_not_null(blk, "%s", err);
    return blk;
}

static inline void cfg_write(uint8_t reg, uint32_t v, unsigned len)
{
    pci_bus_config_write(W.bus, IDE_DEVFN, reg, v, len);
}
static inline uint32_t cfg_read(uint8_t reg, unsigned len)
{
    return pci_bus_config_read(W.bus, IDE_DEVFN, reg, len);
}

/* Create the controller; then do what firmware does: BAR4, I/O and bus
 * master enable, both channels' decode (IDETIM.IDE). */
static inline void ide_world_start(const bool cdrom[4], bool enable)
{
    W.dev = piix3_ide_create(NULL, W.bus, IDE_DEVFN, &W.irq[0], &W.irq[1], W.blk, cdrom);
    cr_assert_not_null(W.dev);
    if (!enable) return;
    cfg_write(0x20, IDE_BM_BASE, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
    cfg_write(0x40, 0x8000, 2);
    cfg_write(0x42, 0x8000, 2);
}

static inline void ide_world_fini(void)
{
    if (W.dev) device_free(W.dev);
    for (int i = 0; i < 4; i++)
        if (W.blk[i]) blk_close(W.blk[i]);
    pci_bus_free(W.bus);
    address_space_destroy(&W.as);
    address_space_destroy(&W.io_as);
    memory_region_destroy(&W.ram);
    memory_region_destroy(&W.sysmem);
    memory_region_destroy(&W.io);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", W.dir);
    cr_assert_eq(system(cmd), 0);
}

static inline uint32_t in_n(uint16_t port, unsigned size)
{
    uint64_t v = 0;
    address_space_read_val(&W.io_as, port, size, false, &v);
    return (uint32_t)v;
}
static inline void out_n(uint16_t port, uint32_t v, unsigned size)
{
    address_space_write_val(&W.io_as, port, size, false, v);
}
static inline uint8_t inb(uint16_t port)
{
    return (uint8_t)in_n(port, 1);
}
static inline uint16_t inw(uint16_t port)
{
    return (uint16_t)in_n(port, 2);
}
static inline void outb(uint16_t port, uint8_t v)
{
    out_n(port, v, 1);
}
static inline void outw(uint16_t port, uint16_t v)
{
    out_n(port, v, 2);
}

static inline uint8_t *ram(uint32_t addr)
{
    return W.ram.host + addr;
}

/* One PRD entry at table index i (SFF-8038i: base, count, EOT). */
static inline void prd_set(uint32_t table, int i, uint32_t addr, uint32_t count, bool eot)
{
    uint8_t *e = ram(table + 8u * (unsigned)i);
    pci_set_long(e, addr);
    pci_set_long(e + 4, (count & 0xffff) | (eot ? 0x80000000u : 0));
}

#endif
