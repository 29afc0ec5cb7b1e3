/* PIIX3 IDE with an ATAPI CD-ROM on the secondary master: signatures,
 * IDENTIFY PACKET DEVICE, unit attention and sense data, and the MMC
 * commands through PACKET with PIO and bus-master DMA. */
#include "test_ide_fixture.h"

enum {
    S_DATA = 0x170,
    S_ERROR = 0x171,
    S_FEATURE = 0x171,
    S_NSECT = 0x172,
    S_SECT = 0x173,
    S_LCYL = 0x174,
    S_HCYL = 0x175,
    S_SELECT = 0x176,
    S_STATUS = 0x177,
    S_CMD = 0x177,
    S_CTL = 0x376,
    BM2_CMD = IDE_BM_BASE + 8,
    BM2_STATUS = IDE_BM_BASE + 10,
    BM2_PRD = IDE_BM_BASE + 12,
    PRD_TABLE = 0x2000,
};

#define CD_BLOCKS 300

static uint8_t reply[65536];
static uint32_t reply_len;
static int drq_blocks;

static void start(bool medium)
{
    ide_world_init();
    if (medium) {
        const char *iso = ide_make_raw("cd.iso", CD_BLOCKS * 2048ull, CD_BLOCKS * 2048ull);
        W.blk[2] = ide_open(iso, true);
    }
    static const bool cdrom[4] = {false, false, true, false};
    ide_world_start(cdrom, true);
    outb(S_SELECT, 0xa0);
}

static void setup(void)
{
    start(true);
}

static void teardown(void)
{
    ide_world_fini();
}

TestSuite(ide_atapi, .init = setup, .fini = teardown);

/* Send a 12-byte packet; collect PIO data-in blocks into reply.
 * Returns the final status. */
static uint8_t packet(const uint8_t cdb[12], uint16_t byte_limit, bool dma)
{
    outb(S_FEATURE, dma ? 1 : 0);
    outb(S_LCYL, (uint8_t)byte_limit);
    outb(S_HCYL, (uint8_t)(byte_limit >> 8));
    outb(S_CMD, 0xa0);
    cr_assert_eq(inb(S_CTL) & 0x88, 0x08, "DRQ for the packet");
    cr_assert_eq(inb(S_NSECT) & 3, 1, "CoD, to the device");
    cr_assert_eq(W.irq[1].level, 0);
    for (int i = 0; i < 6; i++)
        outw(S_DATA, (uint16_t)(cdb[2 * i] | cdb[2 * i + 1] << 8));
    reply_len = 0;
    drq_blocks = 0;
    for (;;) {
        cr_assert_eq(W.irq[1].level, 1, "an interrupt per DRQ block and at the end");
        uint8_t st = inb(S_STATUS);
        if (!(st & 0x08)) {
            cr_assert_eq(inb(S_NSECT) & 3, 3, "IO and CoD: status");
            return st;
        }
        cr_assert_eq(inb(S_NSECT) & 3, 2, "IO: data to the host");
        uint32_t n = inb(S_LCYL) | (uint32_t)inb(S_HCYL) << 8;
        cr_assert(n > 0 && reply_len + n <= sizeof reply);
        for (uint32_t i = 0; i < n; i += 2) {
            uint16_t w = inw(S_DATA);
            reply[reply_len++] = (uint8_t)w;
            if (i + 1 < n) reply[reply_len++] = (uint8_t)(w >> 8);
        }
        drq_blocks++;
    }
}

static uint8_t packet6(uint8_t op, uint8_t b1, uint8_t b2, uint8_t b4)
{
    uint8_t cdb[12] = {op, b1, b2, 0, b4};
    return packet(cdb, 0xfffe, false);
}

static void clear_unit_attention(void)
{
    packet6(0x00, 0, 0, 0);
    packet6(0x03, 0, 0, 18);
}

static void expect_sense(uint8_t key, uint8_t asc)
{
    cr_assert_eq(packet6(0x03, 0, 0, 18), 0x50);
    cr_assert_eq(reply_len, 18);
    cr_assert_eq(reply[0], 0x70);
    cr_assert_eq(reply[2] & 0x0f, key, "sense key %#x", reply[2]);
    cr_assert_eq(reply[12], asc, "asc %#x", reply[12]);
}

static void read10_cdb(uint8_t cdb[12], uint32_t lba, uint16_t count)
{
    memset(cdb, 0, 12);
    cdb[0] = 0x28;
    pci_set_long(&cdb[2], __builtin_bswap32(lba));
    cdb[7] = (uint8_t)(count >> 8);
    cdb[8] = (uint8_t)count;
}

static void expect_blocks(const uint8_t *buf, uint32_t lba, uint32_t count)
{
    for (uint64_t i = 0; i < count * 2048ull; i++)
        cr_assert_eq(buf[i], ide_pattern(lba * 2048ull + i), "byte %llu", (unsigned long long)i);
}

Test(ide_atapi, signature_and_identify)
{
    cr_assert_eq(inb(S_LCYL), 0x14);
    cr_assert_eq(inb(S_HCYL), 0xeb, "packet device signature after reset");
    outb(S_LCYL, 0);
    outb(S_HCYL, 0);
    outb(S_CMD, 0xec); /* IDENTIFY DEVICE aborts, restoring the signature */
    cr_assert_eq(inb(S_STATUS) & 0x01, 0x01);
    cr_assert_eq(inb(S_ERROR), 0x04);
    cr_assert_eq(inb(S_LCYL), 0x14);
    cr_assert_eq(inb(S_HCYL), 0xeb);
    outb(S_CMD, 0xa1);
    cr_assert_eq(W.irq[1].level, 1);
    cr_assert_eq(inb(S_STATUS) & 0x08, 0x08);
    uint16_t w[256];
    for (int i = 0; i < 256; i++)
        w[i] = inw(S_DATA);
    cr_assert_eq(w[0], 0x85c0, "ATAPI CD-ROM, removable, 12-byte packets");
    cr_assert_eq(w[49] & 0x0300, 0x0300);
    uint8_t sum = 0;
    for (int i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (w[i] & 0xff) + (w[i] >> 8));
    cr_assert_eq(sum, 0);

    /* SRST and EXECUTE DEVICE DIAGNOSTIC bring the signature back too. */
    outb(S_LCYL, 0x12);
    outb(S_CTL, 0x04);
    outb(S_CTL, 0x00);
    cr_assert_eq(inb(S_STATUS), 0x00, "packet devices clear DRDY after reset");
    cr_assert_eq(inb(S_LCYL), 0x14);
    outb(S_HCYL, 0);
    outb(S_CMD, 0x90);
    cr_assert_eq(inb(S_HCYL), 0xeb);
    cr_assert_eq(inb(S_ERROR), 0x01);
}

Test(ide_atapi, unit_attention_then_ready)
{
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x41, "TEST UNIT READY: check condition");
    cr_assert_eq(inb(S_ERROR) >> 4, 0x6, "UNIT ATTENTION in the error register");
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x41, "still pending until sensed");
    expect_sense(0x6, 0x29);
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x50);
    expect_sense(0x0, 0x00);
}

Test(ide_atapi, inquiry_pio)
{
    cr_assert_eq(packet6(0x12, 0, 0, 96), 0x50, "INQUIRY runs despite unit attention");
    cr_assert_eq(reply_len, 36);
    cr_assert_eq(reply[0], 0x05, "CD/DVD");
    cr_assert_eq(reply[1], 0x80, "removable");
    cr_assert(memcmp(&reply[8], "DOPPEL  ", 8) == 0);
    cr_assert_eq(packet6(0x12, 0, 0, 5), 0x50);
    cr_assert_eq(reply_len, 5, "allocation length cuts the reply");
}

Test(ide_atapi, read_capacity_and_read10_pio)
{
    clear_unit_attention();
    uint8_t cdb[12] = {0x25};
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 8);
    cr_assert_eq(reply[3] | reply[2] << 8, CD_BLOCKS - 1);
    cr_assert_eq(reply[6] << 8 | reply[7], 2048);

    read10_cdb(cdb, 10, 3);
    cr_assert_eq(packet(cdb, 2048, false), 0x50);
    cr_assert_eq(drq_blocks, 3, "one block of the byte count limit per DRQ");
    cr_assert_eq(reply_len, 3 * 2048);
    expect_blocks(reply, 10, 3);

    read10_cdb(cdb, 0, 20); /* 40 KiB with the largest limit */
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 20 * 2048);
    expect_blocks(reply, 0, 20);
}

Test(ide_atapi, read12_dma)
{
    clear_unit_attention();
    uint8_t cdb[12] = {0xa8, 0, 0, 0, 0, 5, 0, 0, 0, 2};
    prd_set(PRD_TABLE, 0, 0x10000, 1024, false);
    prd_set(PRD_TABLE, 1, 0x20000, 3072, true);
    outb(S_FEATURE, 1);
    outb(S_LCYL, 0);
    outb(S_HCYL, 0);
    outb(S_CMD, 0xa0);
    for (int i = 0; i < 6; i++)
        outw(S_DATA, (uint16_t)(cdb[2 * i] | cdb[2 * i + 1] << 8));
    cr_assert_eq(W.irq[1].level, 0, "waiting for the bus master");
    out_n(BM2_PRD, PRD_TABLE, 4);
    outb(BM2_CMD, 0x09);
    cr_assert_eq(W.irq[1].level, 1);
    cr_assert_eq(inb(BM2_STATUS) & 0x07, 0x04);
    cr_assert_eq(inb(S_STATUS), 0x50);
    cr_assert_eq(inb(S_NSECT) & 3, 3);
    memcpy(reply, ram(0x10000), 1024);
    memcpy(reply + 1024, ram(0x20000), 3072);
    expect_blocks(reply, 5, 2);
}

Test(ide_atapi, inquiry_dma)
{
    uint8_t cdb[12] = {0x12, 0, 0, 0, 36};
    prd_set(PRD_TABLE, 0, 0x30000, 36, true);
    out_n(BM2_PRD, PRD_TABLE, 4);
    outb(BM2_CMD, 0x09);
    outb(S_FEATURE, 1);
    outb(S_CMD, 0xa0);
    for (int i = 0; i < 6; i++)
        outw(S_DATA, (uint16_t)(cdb[2 * i] | cdb[2 * i + 1] << 8));
    cr_assert_eq(inb(BM2_STATUS) & 0x07, 0x04, "exact table: not active");
    cr_assert_eq(inb(S_STATUS), 0x50);
    cr_assert_eq(ram(0x30000)[0], 0x05);
    cr_assert(memcmp(ram(0x30000) + 16, "DOPPEL CD-ROM", 13) == 0);
}

Test(ide_atapi, read_toc_formats)
{
    clear_unit_attention();
    uint8_t cdb[12] = {0x43, 0, 0, 0, 0, 0, 0, 0, 100};
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 20);
    cr_assert_eq(reply[1], 18, "TOC data length");
    cr_assert_eq(reply[2], 1);
    cr_assert_eq(reply[3], 1);
    cr_assert_eq(reply[5], 0x14, "data track");
    cr_assert_eq(reply[6], 1);
    cr_assert_eq(reply[14], 0xaa, "lead-out");
    cr_assert_eq(reply[18] << 8 | reply[19], CD_BLOCKS, "lead-out LBA");

    cdb[1] = 0x02; /* MSF */
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply[9], 0);
    cr_assert_eq(reply[10], 2, "track 1 at 00:02:00");
    cr_assert_eq(reply[11], 0);
    cr_assert_eq(reply[17], (CD_BLOCKS + 150) / 4500);
    cr_assert_eq(reply[18], (CD_BLOCKS + 150) / 75 % 60);
    cr_assert_eq(reply[19], (CD_BLOCKS + 150) % 75);

    cdb[1] = 0;
    cdb[2] = 1; /* session information */
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 12);
    cr_assert_eq(reply[6], 1);

    cdb[2] = 2; /* full TOC */
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 4 + 4 * 11);
    cr_assert_eq(reply[4 + 3], 0xa0);
    cr_assert_eq(reply[4 + 2 * 11 + 3], 0xa2);

    cdb[2] = 0;
    cdb[6] = 5; /* no track 5 */
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x41);
    expect_sense(0x5, 0x24);
}

Test(ide_atapi, errors_and_sense)
{
    clear_unit_attention();
    uint8_t cdb[12];
    read10_cdb(cdb, CD_BLOCKS - 1, 2);
    cr_assert_eq(packet(cdb, 2048, false), 0x41);
    cr_assert_eq(reply_len, 0);
    expect_sense(0x5, 0x21);

    cr_assert_eq(packet6(0xd9, 0, 0, 0), 0x41);
    expect_sense(0x5, 0x20);

    /* Eject: the medium is gone until reset; a locked tray refuses. */
    cr_assert_eq(packet6(0x1e, 0, 0, 1), 0x50);
    cr_assert_eq(packet6(0x1b, 0, 0, 0x02), 0x41);
    expect_sense(0x5, 0x53);
    cr_assert_eq(packet6(0x1e, 0, 0, 0), 0x50);
    cr_assert_eq(packet6(0x1b, 0, 0, 0x02), 0x50);
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x41);
    expect_sense(0x2, 0x3a);
    cr_assert_eq(packet6(0x1b, 0, 0, 0x03), 0x50, "load does not bring it back");
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x41);
    device_reset(W.dev);
    cfg_write(0x20, IDE_BM_BASE, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
    cfg_write(0x42, 0x8000, 2);
    clear_unit_attention();
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x50, "back after reset");
}

Test(ide_atapi, no_medium)
{
    ide_world_fini();
    start(false);
    clear_unit_attention();
    cr_assert_eq(packet6(0x00, 0, 0, 0), 0x41);
    cr_assert_eq(inb(S_ERROR) >> 4, 0x2, "NOT READY");
    expect_sense(0x2, 0x3a);
    uint8_t cdb[12] = {0x25};
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x41);
    cr_assert_eq(packet6(0x12, 0, 0, 36), 0x50, "INQUIRY still answers");
}

Test(ide_atapi, mode_sense_config_events)
{
    clear_unit_attention();
    uint8_t cdb[12] = {0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64};
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 8 + 20);
    cr_assert_eq(reply[1], 8 + 20 - 2, "mode data length");
    cr_assert_eq(reply[8], 0x2a);
    cr_assert_eq(reply[9], 18);
    cdb[2] = 0x3f;
    cr_assert_eq(packet(cdb, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 8 + 8 + 16 + 20);
    cr_assert_eq(reply[8], 0x01);
    cr_assert_eq(reply[16], 0x0e);
    cr_assert_eq(packet6(0x1a, 0, 0x01, 255), 0x50, "MODE SENSE(6)");
    cr_assert_eq(reply_len, 4 + 8);
    cr_assert_eq(reply[0], 4 + 8 - 1);

    uint8_t conf[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 255};
    cr_assert_eq(packet(conf, 0xfffe, false), 0x50);
    cr_assert_eq(reply[6] << 8 | reply[7], 0x0008, "current profile CD-ROM");

    uint8_t gesn[12] = {0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8};
    cr_assert_eq(packet(gesn, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 8);
    cr_assert_eq(reply[2], 4, "media class");
    cr_assert_eq(reply[4], 2, "new media");
    cr_assert_eq(reply[5], 2, "media present");
    cr_assert_eq(packet(gesn, 0xfffe, false), 0x50);
    cr_assert_eq(reply[4], 0, "reported once");

    uint8_t disc[12] = {0x51, 0, 0, 0, 0, 0, 0, 0, 34};
    cr_assert_eq(packet(disc, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 34);
    uint8_t mech[12] = {0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8};
    cr_assert_eq(packet(mech, 0xfffe, false), 0x50);
    cr_assert_eq(reply_len, 8);
    uint8_t speed[12] = {0xbb};
    cr_assert_eq(packet(speed, 0xfffe, false), 0x50);
}
