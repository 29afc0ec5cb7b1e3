/* fdc data commands: READ DATA, WRITE DATA, READ ID and FORMAT TRACK on a
 * 1.44M image (drive A) and a read-only 720K image (drive B), through DMA
 * channel 2 and in non-DMA mode, with the bytes checked in RAM and in the
 * image files. */
#include "test_fdc_fixture.h"

static void setup(void)
{
    fdc_world_init();
    W.blk[0] = img_open(img_make("a.img", IMG_144M), false);
    W.blk[1] = img_open(img_make("b.img", IMG_720K), true);
    fdc_world_start();
    dma_init();
    fdc_reset_sequence();
    outb(FDC_CCR, 0x00);           /* 500 kb/s: the 1.44M medium */
    fdc_send(3, 0x03, 0xaf, 0x02); /* SPECIFY, DMA mode */
}

static void teardown(void)
{
    fdc_world_fini();
}

TestSuite(fdc_data, .init = setup, .fini = teardown);

static void expect_image_in_ram(uint32_t addr, uint32_t img_off, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        cr_assert_eq(*ram(addr + i), img_pattern(img_off + i), "byte %u of the transfer", i);
}

static void expect_result(const uint8_t *want)
{
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(r[i], want[i], "result byte %d: %#x, want %#x", i, r[i], want[i]);
}

Test(fdc_data, read_sectors_by_dma)
{
    int rises = W.irq_rises;
    dma_program(2, 0x10000, 3 * 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x66, 0, 1, 0, 3, 5); /* cylinder 1, sectors 3-5 */
    cr_assert_eq(W.irq_rises, rises + 1, "interrupt at the end of the execution phase");
    /* TC with the last sector at EOT: the next ID is the next cylinder's */
    expect_result((uint8_t[]){0x00, 0, 0, 2, 0, 1, 2});
    cr_assert_eq(W.irq6.level, 0, "reading the result acknowledges");
    expect_image_in_ram(0x10000, chs144(1, 0, 3), 3 * 512);
    cr_assert_eq(inb(0x08) & 0x04, 0x04, "DMA terminal count on channel 2");
}

Test(fdc_data, read_multitrack_across_heads)
{
    dma_program(2, 0x20000, 4 * 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0xe6, 0, 2, 0, 17, 18); /* MT: 2/0/17, 2/0/18, 2/1/1, 2/1/2 */
    expect_result((uint8_t[]){0x04, 0, 0, 2, 1, 3, 2});
    expect_image_in_ram(0x20000, chs144(2, 0, 17), 2 * 512);
    expect_image_in_ram(0x20400, chs144(2, 1, 1), 2 * 512);
}

Test(fdc_data, read_past_eot_without_tc_ends_the_cylinder)
{
    dma_program(2, 0x30000, 4 * 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x46, 0, 3, 1, 17, 18); /* no MT: two sectors, then end of cylinder */
    expect_result((uint8_t[]){0x44, 0x80, 0, 4, 1, 1, 2});
    expect_image_in_ram(0x30000, chs144(3, 1, 17), 2 * 512);
    cr_assert_eq(*ram(0x30400), 0, "nothing beyond the track");
}

Test(fdc_data, read_in_non_dma_mode)
{
    fdc_send(3, 0x03, 0xaf, 0x03); /* SPECIFY ND */
    int rises = W.irq_rises;
    fdc_rw(0x46, 0, 0, 1, 1, 2);
    cr_assert_eq(W.irq_rises, rises + 1, "interrupt: data ready");
    for (uint32_t i = 0; i < 1024; i++) {
        cr_assert_eq(inb(FDC_MSR), 0xf0, "RQM DIO NDMA CB at byte %u", i);
        cr_assert_eq(inb(FDC_DATA), img_pattern(chs144(0, 1, 1) + i), "byte %u", i);
    }
    cr_assert_eq(W.irq6.level, 1, "result phase interrupt");
    expect_result((uint8_t[]){0x44, 0x80, 0, 1, 1, 1, 2});
}

Test(fdc_data, write_sectors_by_dma)
{
    for (uint32_t i = 0; i < 1024; i++)
        *ram(0x40000 + i) = (uint8_t)(i * 7 + 1);
    dma_program(2, 0x40000, 1024, DMA_MODE_SINGLE | DMA_MODE_READ);
    fdc_rw(0xc5, 0, 10, 1, 17, 18);
    /* MT, TC at EOT of head 1: next cylinder, head 0 */
    expect_result((uint8_t[]){0x04, 0, 0, 11, 0, 1, 2});
    uint8_t img[1024 + 2];
    img_read("a.img", chs144(10, 1, 17) - 1, img, sizeof img);
    cr_assert_eq(img[0], img_pattern(chs144(10, 1, 17) - 1), "sector before untouched");
    cr_assert_eq(memcmp(img + 1, ram(0x40000), 1024), 0);
    cr_assert_eq(img[1025], img_pattern(chs144(11, 0, 1)), "sector after untouched");
}

Test(fdc_data, write_in_non_dma_mode)
{
    fdc_send(3, 0x03, 0xaf, 0x03);
    fdc_rw(0x45, 0, 0, 0, 18, 18);
    for (uint32_t i = 0; i < 512; i++) {
        cr_assert_eq(inb(FDC_MSR), 0xb0, "RQM NDMA CB, host to controller, at byte %u", i);
        outb(FDC_DATA, (uint8_t)(0xff - i));
    }
    expect_result((uint8_t[]){0x40, 0x80, 0, 1, 0, 1, 2});
    uint8_t img[512];
    img_read("a.img", chs144(0, 0, 18), img, sizeof img);
    for (uint32_t i = 0; i < 512; i++)
        cr_assert_eq(img[i], (uint8_t)(0xff - i));
}

Test(fdc_data, read_id)
{
    fdc_send(3, 0x0f, 0x04, 7);
    uint8_t st0, pcn;
    fdc_sense(&st0, &pcn);
    int rises = W.irq_rises;
    fdc_send(2, 0x4a, 0x04);
    cr_assert_eq(W.irq_rises, rises + 1);
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[0], 0x04);
    cr_assert_eq(r[1], 0);
    cr_assert_eq(r[3], 7);
    cr_assert_eq(r[4], 1);
    cr_assert(r[5] >= 1 && r[5] <= 18);
    cr_assert_eq(r[6], 2);
}

Test(fdc_data, sector_beyond_the_track_is_not_found)
{
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x66, 0, 0, 0, 19, 19);
    expect_result((uint8_t[]){0x40, 0x04, 0, 0, 0, 19, 2});
    cr_assert_eq(*ram(0x10000), 0);
}

Test(fdc_data, write_protected_image)
{
    outb(FDC_CCR, 0x02); /* 250 kb/s for the 720K medium */
    uint8_t r[2];
    fdc_send(2, 0x04, 0x01);
    cr_assert_eq(fdc_result(r, 2), 1);
    cr_assert_eq(r[0] & 0x40, 0x40, "ST3 write protect");
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_READ);
    fdc_rw(0x45, 1, 0, 0, 1, 1);
    expect_result((uint8_t[]){0x41, 0x02, 0, 0, 0, 1, 2});
    uint8_t img[4];
    img_read("b.img", 0, img, 4);
    cr_assert_eq(img[0], img_pattern(0));
    /* reading it works at its rate */
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x46, 1, 1, 1, 9, 9);
    expect_result((uint8_t[]){0x05, 0, 0, 2, 1, 1, 2}); /* TC at EOT */
    expect_image_in_ram(0x10000, (uint32_t)((1 * 2 + 1) * 9 + 8) * 512, 512);
}

Test(fdc_data, wrong_data_rate_finds_no_address_mark)
{
    outb(FDC_CCR, 0x02);
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x66, 0, 0, 0, 1, 1);
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[0], 0x40);
    cr_assert_eq(r[1], 0x01, "MA");
    fdc_send(2, 0x4a, 0x00);
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[1], 0x01, "READ ID fails the same way");
}

Test(fdc_data, masked_dma_channel_overruns)
{
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    outb(0x0a, 0x06);
    fdc_rw(0x66, 0, 0, 0, 1, 1);
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[0], 0x40);
    cr_assert_eq(r[1], 0x10, "OR");
}

Test(fdc_data, format_track_by_dma)
{
    fdc_send(3, 0x0f, 0x04, 5);
    uint8_t st0, pcn;
    fdc_sense(&st0, &pcn);
    for (int r = 1; r <= 18; r++) {
        uint8_t *id = ram(0x50000 + 4u * (unsigned)(r - 1));
        id[0] = 5;
        id[1] = 1;
        id[2] = (uint8_t)r;
        id[3] = 2;
    }
    dma_program(2, 0x50000, 18 * 4, DMA_MODE_SINGLE | DMA_MODE_READ);
    int rises = W.irq_rises;
    fdc_send(6, 0x4d, 0x04, 2, 18, 0x6c, 0xe5);
    cr_assert_eq(W.irq_rises, rises + 1);
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[0], 0x04);
    cr_assert_eq(r[1], 0);
    static uint8_t img[18 * 512 + 2];
    img_read("a.img", chs144(5, 1, 1) - 1, img, sizeof img);
    cr_assert_eq(img[0], img_pattern(chs144(5, 1, 1) - 1), "head 0 untouched");
    for (size_t i = 1; i <= 18 * 512; i++)
        cr_assert_eq(img[i], 0xe5, "filler at byte %zu of the track", i - 1);
    cr_assert_eq(img[18 * 512 + 1], img_pattern(chs144(6, 0, 1)), "next track untouched");
}

Test(fdc_data, no_drive_b_on_a_one_drive_controller)
{
    device_free(W.fdc);
    blk_close(W.blk[1]);
    W.blk[1] = NULL;
    fdc_world_start();
    fdc_reset_sequence();
    outb(FDC_CCR, 0x02);
    dma_program(2, 0x10000, 512, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    fdc_rw(0x66, 1, 0, 0, 1, 1);
    uint8_t r[8];
    cr_assert_eq(fdc_result(r, 8), 7);
    cr_assert_eq(r[0], 0x41);
    cr_assert_eq(r[1], 0x01);
}
