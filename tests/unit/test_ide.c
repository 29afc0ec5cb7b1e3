/* PIIX3 IDE with ATA disks: PCI identity and decode, IDENTIFY, PIO in
 * LBA28/LBA48/CHS, multiple mode, bus-master DMA, interrupts, nIEN,
 * SRST, errors and snapshots, all through ports, config cycles and RAM. */
#include "test_ide_fixture.h"

enum {
    P_DATA = 0x1f0,
    P_ERROR = 0x1f1,
    P_FEATURE = 0x1f1,
    P_NSECT = 0x1f2,
    P_SECT = 0x1f3,
    P_LCYL = 0x1f4,
    P_HCYL = 0x1f5,
    P_SELECT = 0x1f6,
    P_STATUS = 0x1f7,
    P_CMD = 0x1f7,
    P_CTL = 0x3f6,
    BM_CMD = IDE_BM_BASE,
    BM_STATUS = IDE_BM_BASE + 2,
    BM_PRD = IDE_BM_BASE + 4,
    PRD_TABLE = 0x1000,
};

#define DISK_SECTORS 8192 /* 4 MiB */

static const char *disk_path;

static void setup(void)
{
    ide_world_init();
    disk_path = ide_make_raw("disk.img", DISK_SECTORS * 512ull, DISK_SECTORS * 512ull);
    W.blk[0] = ide_open(disk_path, false);
    ide_world_start(NULL, true);
}

static void teardown(void)
{
    ide_world_fini();
}

TestSuite(ide, .init = setup, .fini = teardown);

static void read_words(uint16_t *w, int n)
{
    for (int i = 0; i < n; i++)
        w[i] = inw(P_DATA);
}

static void lba28(uint32_t lba, uint8_t count)
{
    outb(P_NSECT, count);
    outb(P_SECT, (uint8_t)lba);
    outb(P_LCYL, (uint8_t)(lba >> 8));
    outb(P_HCYL, (uint8_t)(lba >> 16));
    outb(P_SELECT, (uint8_t)(0xe0 | ((lba >> 24) & 0xf)));
}

static void lba48(uint64_t lba, uint16_t count)
{
    outb(P_SELECT, 0x40);
    outb(P_NSECT, (uint8_t)(count >> 8));
    outb(P_SECT, (uint8_t)(lba >> 24));
    outb(P_LCYL, (uint8_t)(lba >> 32));
    outb(P_HCYL, (uint8_t)(lba >> 40));
    outb(P_NSECT, (uint8_t)count);
    outb(P_SECT, (uint8_t)lba);
    outb(P_LCYL, (uint8_t)(lba >> 8));
    outb(P_HCYL, (uint8_t)(lba >> 16));
}

static void expect_sector(const uint8_t *buf, uint64_t lba)
{
    for (int i = 0; i < 512; i++)
        cr_assert_eq(buf[i], ide_pattern(lba * 512 + (unsigned)i), "sector %llu byte %d",
                     (unsigned long long)lba, i);
}

static void file_read(const char *path, uint64_t off, void *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    cr_assert_eq(fseeko(f, (off_t)off, SEEK_SET), 0);
    cr_assert_eq(fread(buf, 1, len, f), len);
    fclose(f);
}

Test(ide, pci_identity_and_decode)
{
    cr_assert_eq(cfg_read(0x00, 4), 0x70108086);
    cr_assert_eq(cfg_read(0x08, 4) >> 8, 0x010180, "IDE, compatibility mode, bus master");
    cr_assert_eq(cfg_read(0x20, 4), IDE_BM_BASE | 1, "BAR4 is I/O");
    cfg_write(0x20, 0xffffffff, 4);
    cr_assert_eq(cfg_read(0x20, 4), 0xfffffff1, "16 bytes of I/O");
    cfg_write(0x20, IDE_BM_BASE, 4);
    cr_assert_eq(inb(P_STATUS), 0x50, "DRDY DSC when decoded");
    cfg_write(0x40, 0x0000, 2);
    cr_assert_eq(inb(P_STATUS), 0xff, "primary not decoded without IDETIM.IDE");
    cr_assert_eq(inb(0x177), 0, "secondary still decoded (no drives: zeros)");
    cfg_write(0x40, 0x8000, 2);
    cr_assert_eq(cfg_read(0x40, 2), 0x8000);
    cr_assert_eq(inb(P_STATUS), 0x50);
}

Test(ide, identify_device)
{
    outb(P_SELECT, 0xa0);
    outb(P_CMD, 0xec);
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_CTL), 0x58, "alternate status: DRDY DSC DRQ");
    cr_assert_eq(W.irq[0].level, 1, "alternate status does not acknowledge");
    cr_assert_eq(inb(P_STATUS), 0x58);
    cr_assert_eq(W.irq[0].level, 0, "status read acknowledges");
    uint16_t w[256];
    read_words(w, 256);
    cr_assert_eq(inb(P_STATUS), 0x50);
    cr_assert_eq(w[0], 0x0040);
    char model[41];
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(w[27 + i] >> 8);
        model[2 * i + 1] = (char)w[27 + i];
    }
    model[40] = 0;
    cr_assert_str_eq(model, "DOPPEL HARDDISK                         ");
    cr_assert_eq(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS);
    cr_assert_eq(w[100] | (uint32_t)w[101] << 16, DISK_SECTORS);
    cr_assert_eq(w[83] & 0x0400, 0x0400, "LBA48 supported");
    cr_assert_eq(w[49] & 0x0300, 0x0300, "LBA and DMA");
    cr_assert_eq(w[1], DISK_SECTORS / (16 * 63));
    cr_assert_eq(w[3], 16);
    cr_assert_eq(w[6], 63);
    uint8_t sum = 0;
    for (int i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (w[i] & 0xff) + (w[i] >> 8));
    cr_assert_eq(w[255] & 0xff, 0xa5);
    cr_assert_eq(sum, 0, "checksum word 255");
}

Test(ide, pio_read_lba28_sectors)
{
    lba28(5, 3);
    outb(P_CMD, 0x20);
    uint8_t buf[512];
    for (int s = 0; s < 3; s++) {
        cr_assert_eq(W.irq[0].level, 1, "an interrupt per block");
        cr_assert_eq(inb(P_STATUS), 0x58);
        read_words((uint16_t *)buf, 256);
        expect_sector(buf, 5 + (unsigned)s);
    }
    cr_assert_eq(inb(P_STATUS), 0x50, "done, no DRQ");
    cr_assert_eq(W.irq[0].level, 0, "no interrupt after the last block");
    cr_assert_eq(W.irq_rises[0], 3);
}

Test(ide, pio_read_32bit)
{
    lba28(9, 1);
    outb(P_CMD, 0x20);
    uint32_t buf[128];
    for (int i = 0; i < 128; i++)
        buf[i] = in_n(P_DATA, 4);
    expect_sector((uint8_t *)buf, 9);
    cr_assert_eq(inb(P_STATUS), 0x50);
}

Test(ide, pio_write_lba28_reaches_image)
{
    uint8_t data[1024], back[1024];
    for (int i = 0; i < 1024; i++)
        data[i] = (uint8_t)(i * 3 + 1);
    lba28(100, 2);
    outb(P_CMD, 0x30);
    cr_assert_eq(W.irq[0].level, 0, "no interrupt before the first block");
    cr_assert_eq(inb(P_STATUS), 0x58);
    for (int i = 0; i < 256; i++)
        outw(P_DATA, (uint16_t)(data[2 * i] | data[2 * i + 1] << 8));
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_STATUS), 0x58, "second block requested");
    for (int i = 256; i < 512; i++)
        outw(P_DATA, (uint16_t)(data[2 * i] | data[2 * i + 1] << 8));
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_STATUS), 0x50);
    outb(P_CMD, 0xe7); /* FLUSH CACHE */
    cr_assert_eq(inb(P_STATUS), 0x50);
    file_read(disk_path, 100 * 512, back, sizeof back);
    cr_assert_arr_eq(back, data, sizeof data);
}

Test(ide, pio_lba48_beyond_2tib)
{
    device_free(W.dev);
    W.dev = NULL;
    blk_close(W.blk[0]);
    uint64_t sectors = 3ull << 31; /* 3 TiB, sparse */
    const char *big = ide_make_raw("big.img", sectors * 512, 0);
    W.blk[0] = ide_open(big, false);
    ide_world_start(NULL, true);

    outb(P_SELECT, 0xa0);
    outb(P_CMD, 0xec);
    uint16_t w[256];
    inb(P_STATUS);
    read_words(w, 256);
    cr_assert_eq(w[60] | (uint32_t)w[61] << 16, 0x0fffffff, "LBA28 capacity saturates");
    uint64_t cap = 0;
    for (int i = 0; i < 4; i++)
        cap |= (uint64_t)w[100 + i] << (16 * i);
    cr_assert_eq(cap, sectors);

    uint64_t lba = (1ull << 32) + 5;
    uint8_t data[512], back[512];
    for (int i = 0; i < 512; i++)
        data[i] = (uint8_t)(0xa5 ^ i);
    lba48(lba, 1);
    outb(P_CMD, 0x34); /* WRITE SECTORS EXT */
    for (int i = 0; i < 256; i++)
        outw(P_DATA, (uint16_t)(data[2 * i] | data[2 * i + 1] << 8));
    cr_assert_eq(inb(P_STATUS), 0x50);
    file_read(big, lba * 512, back, 512);
    cr_assert_arr_eq(back, data, 512);

    lba48(lba, 1);
    outb(P_CMD, 0x24); /* READ SECTORS EXT */
    cr_assert_eq(inb(P_STATUS), 0x58);
    read_words((uint16_t *)back, 256);
    cr_assert_arr_eq(back, data, 512);
    /* The task file points past the transfer; HOB reads the high bytes. */
    cr_assert_eq(inb(P_SECT), 6);
    outb(P_CTL, 0x80);
    cr_assert_eq(inb(P_LCYL), 1, "LBA bits 39-32 through HOB");
    outb(P_CTL, 0x00);

    outb(P_CMD, 0x27); /* READ NATIVE MAX ADDRESS EXT */
    uint64_t max = inb(P_SECT) | (uint64_t)inb(P_LCYL) << 8 | (uint64_t)inb(P_HCYL) << 16;
    outb(P_CTL, 0x80);
    max |= (uint64_t)inb(P_SECT) << 24 | (uint64_t)inb(P_LCYL) << 32 | (uint64_t)inb(P_HCYL) << 40;
    outb(P_CTL, 0x00);
    cr_assert_eq(max, sectors - 1);
}

Test(ide, pio_read_chs)
{
    /* C=1 H=2 S=3 with the default 16 heads x 63 sectors. */
    outb(P_SELECT, 0xa2);
    outb(P_NSECT, 1);
    outb(P_SECT, 3);
    outb(P_LCYL, 1);
    outb(P_HCYL, 0);
    outb(P_CMD, 0x20);
    cr_assert_eq(inb(P_STATUS), 0x58);
    uint8_t buf[512];
    read_words((uint16_t *)buf, 256);
    expect_sector(buf, (1 * 16 + 2) * 63 + 2);

    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors. */
    outb(P_SELECT, 0xa3);
    outb(P_NSECT, 17);
    outb(P_CMD, 0x91);
    cr_assert_eq(inb(P_STATUS), 0x50);
    outb(P_SELECT, 0xa1);
    outb(P_NSECT, 1);
    outb(P_SECT, 5);
    outb(P_LCYL, 2);
    outb(P_CMD, 0x20);
    read_words((uint16_t *)buf, 256);
    expect_sector(buf, (2 * 4 + 1) * 17 + 4);

    outb(P_SECT, 18); /* beyond 17 sectors per track */
    outb(P_CMD, 0x20);
    cr_assert_eq(inb(P_STATUS), 0x41);
    cr_assert_eq(inb(P_ERROR), 0x10, "IDNF");
}

Test(ide, read_write_multiple)
{
    outb(P_NSECT, 3); /* not a power of two */
    outb(P_CMD, 0xc6);
    cr_assert_eq(inb(P_STATUS), 0x41);
    cr_assert_eq(inb(P_ERROR), 0x04);
    outb(P_NSECT, 4);
    outb(P_CMD, 0xc6);
    cr_assert_eq(inb(P_STATUS), 0x50);
    lba28(20, 6);
    outb(P_CMD, 0xc4); /* READ MULTIPLE: blocks of 4 and 2 */
    uint8_t buf[4 * 512];
    cr_assert_eq(inb(P_STATUS), 0x58);
    read_words((uint16_t *)buf, 4 * 256);
    for (int s = 0; s < 4; s++)
        expect_sector(buf + 512 * s, 20 + (unsigned)s);
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_STATUS), 0x58);
    read_words((uint16_t *)buf, 2 * 256);
    expect_sector(buf, 24);
    expect_sector(buf + 512, 25);
    cr_assert_eq(inb(P_STATUS), 0x50);
    cr_assert_eq(W.irq_rises[0], 2 + 2, "two commands, then two blocks");

    lba28(40, 5);
    outb(P_CMD, 0xc5); /* WRITE MULTIPLE */
    for (int i = 0; i < 4 * 256; i++)
        outw(P_DATA, 0x1111);
    cr_assert_eq(inb(P_STATUS), 0x58);
    for (int i = 0; i < 256; i++)
        outw(P_DATA, 0x2222);
    cr_assert_eq(inb(P_STATUS), 0x50);
    uint8_t back[5 * 512];
    file_read(disk_path, 40 * 512, back, sizeof back);
    cr_assert_eq(back[0], 0x11);
    cr_assert_eq(back[4 * 512 - 1], 0x11);
    cr_assert_eq(back[4 * 512], 0x22);
}

static void bm_start(bool to_memory)
{
    out_n(BM_PRD, PRD_TABLE, 4);
    outb(BM_STATUS, 0x06); /* clear error and interrupt */
    outb(BM_CMD, (uint8_t)((to_memory ? 0x08 : 0) | 1));
}

Test(ide, dma_read_scatter)
{
    prd_set(PRD_TABLE, 0, 0x20000, 1024, false);
    prd_set(PRD_TABLE, 1, 0x30000, 512, true);
    memset(ram(0x20000), 0, 1024);
    lba28(7, 3);
    outb(P_CMD, 0xc8); /* READ DMA */
    cr_assert_eq(inb(P_CTL) & 0x88, 0x08, "waiting for the bus master");
    cr_assert_eq(W.irq[0].level, 0);
    bm_start(true);
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x04, "interrupt, not active, no error");
    cr_assert_eq(inb(P_STATUS), 0x50);
    expect_sector(ram(0x20000), 7);
    expect_sector(ram(0x20200), 8);
    expect_sector(ram(0x30000), 9);
    outb(BM_STATUS, 0x04);
    cr_assert_eq(inb(BM_STATUS) & 0x04, 0, "interrupt bit is write-1-to-clear");
    outb(BM_CMD, 0x00);
}

Test(ide, dma_write_bus_master_first)
{
    /* Start the engine before the command, as some drivers do. */
    prd_set(PRD_TABLE, 0, 0x40000, 512, false);
    prd_set(PRD_TABLE, 1, 0x50000, 512, true);
    memset(ram(0x40000), 0x5a, 512);
    memset(ram(0x50000), 0xc3, 512);
    bm_start(false);
    cr_assert_eq(inb(BM_STATUS) & 0x01, 0x01, "active");
    lba28(300, 2);
    outb(P_CMD, 0xca); /* WRITE DMA */
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x04);
    cr_assert_eq(inb(P_STATUS), 0x50);
    uint8_t back[1024];
    file_read(disk_path, 300 * 512, back, sizeof back);
    cr_assert_eq(back[0], 0x5a);
    cr_assert_eq(back[511], 0x5a);
    cr_assert_eq(back[512], 0xc3);
    cr_assert_eq(back[1023], 0xc3);
}

Test(ide, dma_long_table_stays_active)
{
    prd_set(PRD_TABLE, 0, 0x20000, 0, true); /* 64 KiB for one sector */
    lba28(1, 1);
    outb(P_CMD, 0xc8);
    bm_start(true);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x05, "interrupt, still active (SFF-8038i)");
    expect_sector(ram(0x20000), 1);
}

Test(ide, dma_prd_errors)
{
    /* The table ends before the transfer does. */
    prd_set(PRD_TABLE, 0, 0x20000, 512, true);
    lba28(1, 2);
    outb(P_CMD, 0xc8);
    bm_start(true);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x06, "error and interrupt, not active");
    cr_assert_eq(inb(P_STATUS) & 0x01, 0x01, "the drive aborted");
    outb(BM_CMD, 0);

    /* A region outside RAM: nothing is read or written there. */
    prd_set(PRD_TABLE, 0, 0x80000000u, 512, true);
    lba28(1, 1);
    outb(P_CMD, 0xc8);
    bm_start(true);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x06);
    outb(BM_CMD, 0);

    /* A table outside RAM. */
    out_n(BM_PRD, 0x7ffffff0u, 4);
    outb(BM_STATUS, 0x06);
    lba28(1, 1);
    outb(P_CMD, 0xc8);
    outb(BM_CMD, 0x09);
    cr_assert_eq(inb(BM_STATUS) & 0x07, 0x06);
    cr_assert_eq(in_n(BM_PRD, 4), 0x7ffffff0u);
}

Test(ide, read_past_end_is_idnf)
{
    lba28(DISK_SECTORS - 1, 2);
    outb(P_CMD, 0x20);
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_STATUS), 0x58, "the last sector exists");
    uint8_t buf[512];
    read_words((uint16_t *)buf, 256);
    expect_sector(buf, DISK_SECTORS - 1);
    cr_assert_eq(inb(P_STATUS), 0x41, "then ERR");
    cr_assert_eq(inb(P_ERROR), 0x10, "IDNF");

    lba28(DISK_SECTORS, 1);
    outb(P_CMD, 0x40); /* READ VERIFY */
    cr_assert_eq(inb(P_STATUS), 0x41);
    cr_assert_eq(inb(P_ERROR), 0x10);
    lba28(DISK_SECTORS - 8, 8);
    outb(P_CMD, 0x40);
    cr_assert_eq(inb(P_STATUS), 0x50);
}

Test(ide, unknown_command_and_packet_on_disk_abort)
{
    outb(P_CMD, 0xd7);
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_STATUS), 0x41);
    cr_assert_eq(inb(P_ERROR), 0x04, "ABRT");
    outb(P_CMD, 0xa1); /* IDENTIFY PACKET DEVICE */
    cr_assert_eq(inb(P_STATUS), 0x41);
    outb(P_CMD, 0x08); /* DEVICE RESET: packet devices only */
    cr_assert_eq(inb(P_STATUS), 0x41);
}

Test(ide, nien_masks_intrq)
{
    outb(P_CTL, 0x02);
    outb(P_CMD, 0xec);
    cr_assert_eq(W.irq[0].level, 0, "nIEN");
    cr_assert_eq(inb(P_CTL), 0x58);
    outb(P_CTL, 0x00);
    cr_assert_eq(W.irq[0].level, 1, "the pending interrupt shows once enabled");
    cr_assert_eq(inb(BM_STATUS) & 0x04, 0x04, "bus master saw the interrupt");
    inb(P_STATUS);
    cr_assert_eq(W.irq[0].level, 0);
}

Test(ide, srst_and_signatures)
{
    outb(P_NSECT, 0x55);
    outb(P_SECT, 0xaa);
    outb(P_CTL, 0x04);
    cr_assert_eq(inb(P_CTL), 0x80, "BSY during SRST");
    outb(P_CTL, 0x00);
    cr_assert_eq(inb(P_STATUS), 0x50);
    cr_assert_eq(inb(P_ERROR), 0x01, "diagnostic passed");
    cr_assert_eq(inb(P_NSECT), 1);
    cr_assert_eq(inb(P_SECT), 1);
    cr_assert_eq(inb(P_LCYL), 0);
    cr_assert_eq(inb(P_HCYL), 0, "ATA signature");
    cr_assert_eq(W.irq[0].level, 0, "no interrupt after SRST");
    /* The absent slave reads status 0; its register copy is still there. */
    outb(P_SELECT, 0xb0);
    cr_assert_eq(inb(P_STATUS), 0);
    outb(P_NSECT, 0x5a);
    cr_assert_eq(inb(P_NSECT), 0x5a);
    outb(P_CMD, 0xec);
    cr_assert_eq(W.irq[0].level, 0, "absent drive ignores commands");
    outb(P_SELECT, 0xa0);
    outb(P_CMD, 0x90); /* EXECUTE DEVICE DIAGNOSTIC */
    cr_assert_eq(W.irq[0].level, 1);
    cr_assert_eq(inb(P_ERROR), 0x01);
    cr_assert_eq(inb(P_STATUS), 0x50);
}

Test(ide, write_to_read_only_image_aborts)
{
    device_free(W.dev);
    W.dev = NULL;
    blk_close(W.blk[0]);
    W.blk[0] = ide_open(disk_path, true);
    ide_world_start(NULL, true);
    lba28(3, 1);
    outb(P_CMD, 0x30);
    cr_assert_eq(inb(P_STATUS), 0x41);
    cr_assert_eq(inb(P_ERROR), 0x04);
    lba28(3, 1);
    outb(P_CMD, 0x20);
    cr_assert_eq(inb(P_STATUS), 0x58, "reads still work");
}

Test(ide, set_features_and_identify_modes)
{
    outb(P_FEATURE, 0x03);
    outb(P_NSECT, 0x22); /* multiword DMA 2 */
    outb(P_CMD, 0xef);
    cr_assert_eq(inb(P_STATUS), 0x50);
    outb(P_FEATURE, 0x82); /* write cache off */
    outb(P_CMD, 0xef);
    cr_assert_eq(inb(P_STATUS), 0x50);
    outb(P_FEATURE, 0x03);
    outb(P_NSECT, 0x47); /* Ultra DMA 7 does not exist */
    outb(P_CMD, 0xef);
    cr_assert_eq(inb(P_STATUS), 0x41);
    outb(P_CMD, 0xec);
    uint16_t w[256];
    inb(P_STATUS);
    read_words(w, 256);
    cr_assert_eq(w[63], 0x0407, "MWDMA 0-2 supported, 2 selected");
    cr_assert_eq(w[88], 0x003f, "no UDMA mode selected");
    cr_assert_eq(w[85] & 0x20, 0, "write cache disabled");
    outb(P_CMD, 0xe5); /* CHECK POWER MODE */
    cr_assert_eq(inb(P_NSECT), 0xff);
}

Test(ide, snapshot_keeps_pio_in_flight)
{
    lba28(50, 2);
    outb(P_CMD, 0x20);
    inb(P_STATUS);
    uint8_t buf[1024];
    read_words((uint16_t *)buf, 100);
    size_t len = vmstate_save(W.dev, NULL, 0);
    uint8_t *snap = malloc(len);
    cr_assert_eq(vmstate_save(W.dev, snap, len), len);
    device_reset(W.dev);
    cr_assert_eq(inb(P_STATUS), 0xff, "decode off after reset");
    char err[256];
    cr_assert(vmstate_load(W.dev, snap, len, err, sizeof err), "%s", err);
    free(snap);
    cr_assert_eq(inb(P_STATUS), 0x58, "decode and DRQ restored");
    read_words((uint16_t *)buf + 100, 512 - 100);
    expect_sector(buf, 50);
    expect_sector(buf + 512, 51);
    cr_assert_eq(inb(P_STATUS), 0x50);
}

Test(ide, qcow2_image)
{
    device_free(W.dev);
    W.dev = NULL;
    blk_close(W.blk[0]);
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/disk.qcow2", W.dir);
    cr_assert(blk_create_qcow2(path, 16ull << 20, 16, NULL, NULL, err, sizeof err), "%s", err);
    W.blk[0] = ide_open(path, false);
    ide_world_start(NULL, true);
    lba28(1000, 1);
    outb(P_CMD, 0x30);
    for (int i = 0; i < 256; i++)
        outw(P_DATA, (uint16_t)(0x0101 * (i & 0xff)));
    cr_assert_eq(inb(P_STATUS), 0x50);
    uint8_t back[512];
    cr_assert_eq(blk_pread(W.blk[0], 1000 * 512, back, 512), 0);
    cr_assert_eq(back[2 * 7], 7);
    lba28(1000, 1);
    outb(P_CMD, 0x20);
    cr_assert_eq(inb(P_STATUS), 0x58);
    cr_assert_eq(inw(P_DATA), 0x0000);
    cr_assert_eq(inw(P_DATA), 0x0101);
}
