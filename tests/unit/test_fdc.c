/* fdc: the floppy controller's registers, reset, seeks and the commands
 * without data transfer, through its ports as SeaBIOS and Linux use them. */
#include "test_fdc_fixture.h"

static void setup(void)
{
    fdc_world_init();
    W.blk[0] = img_open(img_make("a.img", IMG_144M), false);
    fdc_world_start();
    dma_init();
}

static void teardown(void)
{
    fdc_world_fini();
}

TestSuite(fdc, .init = setup, .fini = teardown);

Test(fdc, power_on_state)
{
    cr_assert_eq(inb(FDC_DOR), 0x0c, "out of reset, DMA and interrupt enabled");
    cr_assert_eq(inb(FDC_MSR), 0x80);
    cr_assert_eq(inb(FDC_DIR) & 0x80, 0x80, "disk change line set at start");
    cr_assert_eq(W.irq6.level, 0);
    cr_assert_eq(fdc_cmos_types(W.fdc), 0x40, "A: 1.44M, no B:");
}

Test(fdc, reset_gives_four_sense_interrupt_results)
{
    outb(FDC_DOR, 0x08);
    cr_assert_eq(inb(FDC_MSR), 0x00, "held in reset");
    cr_assert_eq(W.irq6.level, 0);
    outb(FDC_DOR, 0x0c);
    cr_assert_eq(W.irq6.level, 1, "interrupt on leaving reset");
    cr_assert_eq(W.irq_rises, 1);
    for (int i = 0; i < 4; i++) {
        uint8_t st0, pcn;
        fdc_sense(&st0, &pcn);
        cr_assert_eq(st0, 0xc0 | i, "drive %d: ready changed (%#x)", i, st0);
        cr_assert_eq(pcn, 0);
        cr_assert_eq(W.irq6.level, 0);
    }
    uint8_t r[4];
    fdc_send(1, 0x08);
    cr_assert_eq(fdc_result(r, 4), 1);
    cr_assert_eq(r[0], 0x80, "nothing more to sense: invalid");
}

Test(fdc, dsr_software_reset_and_dmaen_gates_the_interrupt)
{
    outb(FDC_DSR, 0x80);
    cr_assert_eq(W.irq6.level, 1);
    fdc_reset_sequence();
    /* DMAEN clear: the interrupt is tri-stated until DMAEN is set */
    outb(FDC_DOR, 0x00);
    outb(FDC_DOR, 0x04);
    cr_assert_eq(W.irq6.level, 0);
    cr_assert_eq(inb(FDC_MSR), 0x80);
    outb(FDC_DOR, 0x0c);
    cr_assert_eq(W.irq6.level, 1);
    uint8_t st0, pcn;
    fdc_sense(&st0, &pcn);
    cr_assert_eq(st0, 0xc0);
}

Test(fdc, recalibrate_and_seek_interrupt_with_status)
{
    fdc_reset_sequence();
    uint8_t st0, pcn;
    int rises = W.irq_rises;
    fdc_send(3, 0x0f, 0x04, 10); /* SEEK head 1 of drive 0 to 10 */
    cr_assert_eq(W.irq_rises, rises + 1);
    cr_assert_eq(W.irq6.level, 1);
    fdc_sense(&st0, &pcn);
    cr_assert_eq(st0, 0x24, "seek end, head 1, drive 0 (%#x)", st0);
    cr_assert_eq(pcn, 10);
    cr_assert_eq(W.irq6.level, 0);
    cr_assert_eq(inb(FDC_DIR) & 0x80, 0, "a step clears the disk change line");

    fdc_send(3, 0xcf, 0x00, 5); /* RELATIVE SEEK inwards by 5 */
    fdc_sense(&st0, &pcn);
    cr_assert_eq(pcn, 15);
    fdc_send(3, 0x8f, 0x00, 20); /* outwards, stops at 0 */
    fdc_sense(&st0, &pcn);
    cr_assert_eq(pcn, 0);

    fdc_send(3, 0x0f, 0x00, 33);
    fdc_sense(&st0, &pcn);
    fdc_send(2, 0x07, 0x00); /* RECALIBRATE */
    cr_assert_eq(W.irq6.level, 1);
    fdc_sense(&st0, &pcn);
    cr_assert_eq(st0, 0x20);
    cr_assert_eq(pcn, 0);

    fdc_send(2, 0x07, 0x01); /* drive B is not there: no track 0 */
    fdc_sense(&st0, &pcn);
    cr_assert_eq(st0, 0x71, "abnormal, seek end, equipment check (%#x)", st0);
}

Test(fdc, disk_change_needs_a_step)
{
    fdc_reset_sequence();
    uint8_t st0, pcn;
    fdc_send(2, 0x07, 0x00); /* already at track 0: no step */
    fdc_sense(&st0, &pcn);
    cr_assert_eq(inb(FDC_DIR) & 0x80, 0x80);
    fdc_send(3, 0x0f, 0x00, 1);
    fdc_sense(&st0, &pcn);
    cr_assert_eq(inb(FDC_DIR) & 0x80, 0);
    outb(FDC_DOR, 0x1d); /* select drive B (absent): its line reads changed */
    cr_assert_eq(inb(FDC_DIR) & 0x80, 0x80);
}

Test(fdc, sense_drive_status)
{
    uint8_t r[2];
    fdc_send(2, 0x04, 0x04);
    cr_assert_eq(fdc_result(r, 2), 1);
    cr_assert_eq(r[0], 0x28 | 0x10 | 0x04, "track 0, head 1, drive 0, writable (%#x)", r[0]);
    fdc_send(3, 0x0f, 0x00, 2);
    cr_assert_eq(inb(FDC_MSR), 0x81, "drive 0 busy until its status is sensed");
    uint8_t st0, pcn;
    fdc_sense(&st0, &pcn);
    cr_assert_eq(inb(FDC_MSR), 0x80);
    fdc_send(2, 0x04, 0x00);
    cr_assert_eq(fdc_result(r, 2), 1);
    cr_assert_eq(r[0], 0x28);
}

Test(fdc, version_configure_dumpreg_lock_perpendicular)
{
    uint8_t r[10];
    fdc_send(1, 0x10);
    cr_assert_eq(fdc_result(r, 10), 1);
    cr_assert_eq(r[0], 0x90, "82077");

    fdc_send(3, 0x03, 0xaf, 0x02);       /* SPECIFY */
    fdc_send(4, 0x13, 0x00, 0x57, 0x03); /* CONFIGURE: EIS, poll off, threshold 7 */
    fdc_send(2, 0x12, 0x88);             /* PERPENDICULAR: OW, drive 1 */
    fdc_send(3, 0x0f, 0x00, 9);          /* SEEK drive 0 to 9 */
    uint8_t st0, pcn;
    fdc_sense(&st0, &pcn);
    cr_assert_eq(W.irq6.level, 0, "CONFIGURE, SPECIFY, PERPENDICULAR raise nothing");
    fdc_send(1, 0x0e);
    cr_assert_eq(fdc_result(r, 10), 10);
    uint8_t want[10] = {9, 0, 0, 0, 0xaf, 0x02, 0, 0x08, 0x57, 0x03};
    for (int i = 0; i < 10; i++)
        cr_assert_eq(r[i], want[i], "DUMPREG byte %d: %#x, want %#x", i, r[i], want[i]);

    fdc_send(1, 0x94); /* LOCK */
    cr_assert_eq(fdc_result(r, 10), 1);
    cr_assert_eq(r[0], 0x10);
    fdc_reset_sequence();
    fdc_send(1, 0x0e);
    cr_assert_eq(fdc_result(r, 10), 10);
    cr_assert_eq(r[7], 0x80 | 0x08, "locked; drive bits survive a software reset");
    cr_assert_eq(r[8], 0x57, "locked configuration survives a reset");
    fdc_send(1, 0x14); /* UNLOCK */
    cr_assert_eq(fdc_result(r, 10), 1);
    cr_assert_eq(r[0], 0x00);
    fdc_reset_sequence();
    fdc_send(1, 0x0e);
    cr_assert_eq(fdc_result(r, 10), 10);
    cr_assert_eq(r[8], 0x20, "reset configuration: FIFO off, polling on");

    fdc_send(1, 0x18); /* PART ID is an 82078 command */
    cr_assert_eq(fdc_result(r, 10), 1);
    cr_assert_eq(r[0], 0x80);
}

Test(fdc, perpendicular_drive_bits_need_ow)
{
    uint8_t r[10];
    fdc_send(2, 0x12, 0x3c); /* OW clear: only GAP/WGATE (none here) */
    fdc_send(1, 0x0e);
    cr_assert_eq(fdc_result(r, 10), 10);
    cr_assert_eq(r[7], 0x00);
}

Test(fdc, command_phase_msr_busy_between_bytes)
{
    outb(FDC_DATA, 0x0f);
    cr_assert_eq(inb(FDC_MSR), 0x90, "RQM and command busy mid-command");
    outb(FDC_DATA, 0x00);
    outb(FDC_DATA, 0x03);
    cr_assert_eq(inb(FDC_MSR), 0x81, "command done, drive 0 busy seeking");
}

Test(fdc, bad_image_size_is_refused)
{
    BlockBackend *odd = img_open(img_make("odd.img", 1000000), false);
    BlockBackend *drives[2] = {odd, NULL};
    cr_assert_null(fdc_create(NULL, NULL, NULL, W.dma, drives));
    blk_close(odd);
}

Test(fdc, cmos_types_follow_image_sizes)
{
    BlockBackend *b = img_open(img_make("b.img", IMG_720K), true);
    BlockBackend *c = img_open(img_make("c.img", 1200 * 1024), true);
    BlockBackend *d1[2] = {b, c};
    Device *f = fdc_create(NULL, NULL, NULL, W.dma, d1);
    cr_assert_not_null(f);
    cr_assert_eq(fdc_cmos_types(f), 0x32);
    device_free(f);
    BlockBackend *e = img_open(img_make("e.img", 2880 * 1024), true);
    BlockBackend *g = img_open(img_make("g.img", 360 * 1024), true);
    BlockBackend *d2[2] = {e, g};
    f = fdc_create(NULL, NULL, NULL, W.dma, d2);
    cr_assert_not_null(f);
    cr_assert_eq(fdc_cmos_types(f), 0x51);
    device_free(f);
    blk_close(b);
    blk_close(c);
    blk_close(e);
    blk_close(g);
}
