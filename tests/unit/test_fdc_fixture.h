/*
 * A small PC corner for the i8237 and floppy controller tests: 1 MiB of
 * RAM in a memory address space, a 64 KiB port space with the DMA
 * controllers and (optionally) the FDC, IRQ 6 as a line the test counts,
 * and floppy images in a mkdtemp directory.  Tests reach the devices
 * only through ports and guest memory, as a driver would.
 */
#ifndef DOPPEL_TEST_FDC_FIXTURE_H
#define DOPPEL_TEST_FDC_FIXTURE_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "core/device.h"
#include "devices/block/fdc.h"
#include "devices/dma/i8237.h"
#include "softmmu/memory.h"

#define FDC_TEST_RAM (1u << 20)
#define IMG_144M     (1440u * 1024)
#define IMG_720K     (720u * 1024)

typedef struct FdcWorld {
    MemoryRegion sysmem, ram, io;
    AddressSpace as, io_as;
    Device *dma, *fdc;
    IrqLine irq6;
    int irq_rises;
    char dir[64];
    BlockBackend *blk[2];
} FdcWorld;

static FdcWorld W;

static void fdc_world_irq(void *opaque, int n, int level)
{
    if (level) W.irq_rises++;
}

/* Byte of a test image: differs per byte and per sector. */
static inline uint8_t img_pattern(uint64_t off)
{
    return (uint8_t)((off % 251) ^ (off / 512 * 7));
}

static inline void fdc_world_init(void)
{
    memset(&W, 0, sizeof W);
    memory_region_init_container(&W.sysmem, "system", 1ull << 32);
    cr_assert(memory_region_init_ram(&W.ram, "ram", FDC_TEST_RAM));
    memory_region_add_subregion(&W.sysmem, 0, &W.ram, 0);
    memory_region_init_container(&W.io, "io", 0x10000);
    address_space_init(&W.as, &W.sysmem, "memory");
    address_space_init(&W.io_as, &W.io, "io");
    irq_init(&W.irq6, fdc_world_irq, NULL, 6);
    W.dma = i8237_create(NULL, &W.io, &W.as);
    cr_assert_not_null(W.dma);
    strcpy(W.dir, "/tmp/doppel-fdc-XXXXXX");
    cr_assert_not_null(mkdtemp(W.dir));
}

/* A raw image of size bytes filled with img_pattern; its path. */
static inline const char *img_make(const char *name, uint64_t size)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", W.dir, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    cr_assert(fd >= 0);
    uint8_t buf[4096];
    for (uint64_t off = 0; off < size; off += sizeof buf) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = img_pattern(off + i);
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        cr_assert_eq(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
    }
    close(fd);
    return path;
}

static inline BlockBackend *img_open(const char *path, bool read_only)
{
    char err[256];
    BlockBackend *blk =
        blk_open(&(BlockOpenOptions){.file = path, .read_only = read_only}, err, sizeof err);
    cr_assert_not_null(blk, "%s", err);
    return blk;
}

/* Bytes of an image file as the host sees them. */
static inline void img_read(const char *name, uint64_t off, void *buf, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", W.dir, name);
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    cr_assert_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
    close(fd);
}

static inline void fdc_world_start(void)
{
    W.fdc = fdc_create(NULL, &W.io, &W.irq6, W.dma, W.blk);
    cr_assert_not_null(W.fdc);
}

static inline void fdc_world_fini(void)
{
    if (W.fdc) device_free(W.fdc);
    device_free(W.dma);
    for (int i = 0; i < 2; i++)
        if (W.blk[i]) blk_close(W.blk[i]);
    address_space_destroy(&W.as);
    address_space_destroy(&W.io_as);
    memory_region_destroy(&W.ram);
    memory_region_destroy(&W.sysmem);
    memory_region_destroy(&W.io);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", W.dir);
    cr_assert_eq(system(cmd), 0);
}

static inline uint8_t inb(uint16_t port)
{
    uint64_t v = 0;
    address_space_read_val(&W.io_as, port, 1, false, &v);
    return (uint8_t)v;
}
static inline void outb(uint16_t port, uint8_t v)
{
    address_space_write_val(&W.io_as, port, 1, false, v);
}

static inline uint8_t *ram(uint32_t addr)
{
    return W.ram.host + addr;
}

/* ---- DMA programming as a driver does it ---- */

enum {
    DMA_MODE_VERIFY = 0x00,
    DMA_MODE_WRITE = 0x04, /* device to memory */
    DMA_MODE_READ = 0x08,  /* memory to device */
    DMA_MODE_AUTOINIT = 0x10,
    DMA_MODE_DOWN = 0x20,
    DMA_MODE_SINGLE = 0x40,
};

static const uint8_t dma_page_port[8] = {0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a};

/* Firmware's set-up (SeaBIOS dma_setup): master clear, channel 4 in
 * cascade mode and unmasked. */
static inline void dma_init(void)
{
    outb(0x0d, 0);
    outb(0xda, 0);
    outb(0xd6, 0xc0);
    outb(0xd4, 0x00);
}

/* Program channel ch for count transfers (bytes or words) at physical
 * addr (even for 16-bit channels) and unmask it. */
static inline void dma_program(int ch, uint32_t addr, uint32_t count, uint8_t mode)
{
    bool wide = ch >= 4;
    int c = ch & 3;
    uint16_t base = wide ? 0xc0 : 0x00;
    unsigned step = wide ? 2 : 1;
    uint16_t a = (uint16_t)(wide ? addr >> 1 : addr), n = (uint16_t)(count - 1);
    outb(base + 0x0a * step, (uint8_t)(4 | c)); /* mask */
    outb(base + 0x0c * step, 0);                /* clear flip-flop */
    outb(base + 2 * c * step, (uint8_t)a);
    outb(base + 2 * c * step, (uint8_t)(a >> 8));
    outb(base + (2 * c + 1) * step, (uint8_t)n);
    outb(base + (2 * c + 1) * step, (uint8_t)(n >> 8));
    outb(base + 0x0b * step, (uint8_t)(mode | c));
    outb(dma_page_port[ch], (uint8_t)(addr >> 16));
    outb(base + 0x0a * step, (uint8_t)c); /* unmask */
}

/* ---- the floppy controller as a driver talks to it ---- */

enum {
    FDC_DOR = 0x3f2,
    FDC_MSR = 0x3f4,
    FDC_DSR = 0x3f4,
    FDC_DATA = 0x3f5,
    FDC_DIR = 0x3f7,
    FDC_CCR = 0x3f7,
};

/* Send a command: each byte only when MSR says RQM with DIO = 0. */
static inline void fdc_send(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(inb(FDC_MSR) & 0xc0, 0x80, "MSR %#x before command byte %d", inb(FDC_MSR), i);
        outb(FDC_DATA, (uint8_t)va_arg(ap, int));
    }
    va_end(ap);
}

/* Read the result phase (MSR RQM|DIO|CB); returns the byte count. */
static inline int fdc_result(uint8_t *r, int max)
{
    int n = 0;
    while ((inb(FDC_MSR) & 0xd0) == 0xd0 && n < max)
        r[n++] = inb(FDC_DATA);
    cr_assert_eq(inb(FDC_MSR), 0x80, "back in the command phase");
    return n;
}

/* Sense interrupt status: ST0 and PCN. */
static inline void fdc_sense(uint8_t *st0, uint8_t *pcn)
{
    uint8_t r[4];
    fdc_send(1, 0x08);
    cr_assert_eq(fdc_result(r, 4), 2);
    *st0 = r[0];
    *pcn = r[1];
}

/* Reset through the DOR as BIOSes do, then the four SENSE INTERRUPTs. */
static inline void fdc_reset_sequence(void)
{
    outb(FDC_DOR, 0x08);
    outb(FDC_DOR, 0x0c);
    for (int i = 0; i < 4; i++) {
        uint8_t st0, pcn;
        fdc_sense(&st0, &pcn);
    }
}

/* READ/WRITE DATA style command on unit 0 or 1. */
static inline void fdc_rw(uint8_t op, int unit, int c, int h, int r, int eot)
{
    fdc_send(9, op, (h << 2) | unit, c, h, r, 2, eot, 0x1b, 0xff);
}

/* Offset of a 1.44M image's sector. */
static inline uint32_t chs144(int c, int h, int r)
{
    return (uint32_t)(((c * 2 + h) * 18 + r - 1) * 512);
}

#endif
