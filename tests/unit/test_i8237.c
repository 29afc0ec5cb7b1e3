/* i8237: the PC/AT DMA controllers programmed through their ports, with
 * transfers requested as an ISA device would and checked in RAM. */
#include "test_fdc_fixture.h"

static void setup(void)
{
    fdc_world_init();
    dma_init();
}

static void teardown(void)
{
    fdc_world_fini();
}

TestSuite(i8237, .init = setup, .fini = teardown);

/* Read a channel's current address or count through the flip-flop. */
static uint16_t dma_read16(uint16_t port)
{
    uint8_t lo = inb(port);
    uint8_t hi = inb(port);
    return (uint16_t)(lo | hi << 8);
}

Test(i8237, flipflop_address_count_and_page_read_back)
{
    outb(0x0c, 0);
    outb(0x04, 0x34); /* channel 2 address, low then high */
    outb(0x04, 0x12);
    outb(0x05, 0xff); /* count */
    outb(0x05, 0x01);
    outb(0x81, 0x0a);
    outb(0x0c, 0);
    cr_assert_eq(dma_read16(0x04), 0x1234);
    cr_assert_eq(dma_read16(0x05), 0x01ff);
    cr_assert_eq(inb(0x81), 0x0a);
    /* the flip-flop is shared by every register of a controller */
    outb(0x0c, 0);
    outb(0x04, 0x78);
    cr_assert_eq(inb(0x05), 0x01, "the access after a low byte gets a high byte");
    outb(0x0c, 0);
    cr_assert_eq(inb(0x04), 0x78);
    /* controller 2 registers sit at even ports */
    outb(0xd8, 0);
    outb(0xc4, 0x11);
    outb(0xc4, 0x22);
    outb(0xd8, 0);
    cr_assert_eq(dma_read16(0xc4), 0x2211);
}

Test(i8237, transfer_to_memory_counts_to_terminal_count)
{
    dma_program(2, 0x21000, 600, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    cr_assert(i8237_channel_ready(W.dma, 2));
    uint8_t buf[512];
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(i * 3);
    bool tc = true;
    cr_assert_eq(i8237_transfer(W.dma, 2, buf, 512, true, &tc), 512);
    cr_assert_not(tc);
    cr_assert_eq(memcmp(ram(0x21000), buf, 512), 0);
    outb(0x0c, 0);
    cr_assert_eq(dma_read16(0x04), 0x1200, "current address advanced");
    cr_assert_eq(dma_read16(0x05), 600 - 1 - 512, "current count went down");
    cr_assert_eq(inb(0x08) & 0x0f, 0, "no terminal count yet");

    cr_assert_eq(i8237_transfer(W.dma, 2, buf, 512, true, &tc), 88, "the count runs out");
    cr_assert(tc);
    cr_assert_eq(memcmp(ram(0x21200), buf, 88), 0);
    cr_assert_eq(*ram(0x21200 + 88), 0, "nothing past the count");
    cr_assert_eq(inb(0x08) & 0x0f, 0x04, "TC of channel 2");
    cr_assert_eq(inb(0x08) & 0x0f, 0, "reading the status clears TC");
    cr_assert_not(i8237_channel_ready(W.dma, 2), "TC without autoinit sets the mask bit");
    cr_assert_eq(i8237_transfer(W.dma, 2, buf, 512, true, &tc), 0);
    cr_assert_eq(inb(0x0f) & 0x04, 0x04, "mask register shows channel 2 masked");
}

Test(i8237, read_from_memory_wraps_within_the_page)
{
    for (int i = 0; i < 4; i++) {
        *ram(0x1fffe + (uint32_t)i) = (uint8_t)(0xa0 + i);
        *ram(0x10000 + (uint32_t)i) = (uint8_t)(0xb0 + i);
    }
    dma_program(1, 0x1fffe, 4, DMA_MODE_SINGLE | DMA_MODE_READ);
    uint8_t buf[4] = {0};
    bool tc;
    cr_assert_eq(i8237_transfer(W.dma, 1, buf, 4, false, &tc), 4);
    cr_assert(tc);
    uint8_t want[4] = {0xa0, 0xa1, 0xb0, 0xb1}; /* 0x1fffe, 0x1ffff, then 0x10000 */
    cr_assert_eq(memcmp(buf, want, 4), 0);
}

Test(i8237, word_channel_addresses_words_in_128k_pages)
{
    /* channel 5 at 0x3fffc: the word address wraps to the start of the
     * 128 KiB page 0x20000 (page register bit 0 ignored) */
    dma_program(5, 0x3fffc, 4, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    cr_assert_eq(inb(0x8b), 0x03);
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    bool tc;
    cr_assert_eq(i8237_transfer(W.dma, 5, buf, 8, true, &tc), 8);
    cr_assert(tc);
    cr_assert_eq(memcmp(ram(0x3fffc), buf, 4), 0);
    cr_assert_eq(memcmp(ram(0x20000), buf + 4, 4), 0);
    cr_assert_eq(inb(0xd0) & 0x0f, 0x02, "TC bit 1 of controller 2 is channel 5");
    outb(0xd8, 0);
    cr_assert_eq(dma_read16(0xc4), 0x0002, "word address wrapped past 0xffff");
}

Test(i8237, masks_gate_transfers)
{
    uint8_t buf[16] = {0};
    bool tc;
    dma_program(2, 0x5000, 16, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    outb(0x0a, 0x06); /* mask channel 2 */
    cr_assert_eq(i8237_transfer(W.dma, 2, buf, 16, true, &tc), 0);
    outb(0x0a, 0x02);
    outb(0xd4, 0x04); /* mask cascade channel 4: controller 1 is cut off */
    cr_assert_not(i8237_channel_ready(W.dma, 2));
    outb(0xd4, 0x00);
    cr_assert(i8237_channel_ready(W.dma, 2));
    outb(0x0f, 0x0f); /* all masks */
    cr_assert_not(i8237_channel_ready(W.dma, 2));
    outb(0x0e, 0); /* clear mask register */
    cr_assert(i8237_channel_ready(W.dma, 2));
    outb(0x08, 0x04); /* command: controller disable */
    cr_assert_not(i8237_channel_ready(W.dma, 2));
    outb(0x0d, 0); /* master clear: enabled again, every channel masked */
    cr_assert_not(i8237_channel_ready(W.dma, 2));
    cr_assert_eq(inb(0x0f) & 0x0f, 0x0f);
    cr_assert_not(i8237_channel_ready(W.dma, 4), "the cascade channel never transfers");
}

Test(i8237, autoinit_reloads_and_stays_unmasked)
{
    dma_program(3, 0x6000, 8, DMA_MODE_SINGLE | DMA_MODE_WRITE | DMA_MODE_AUTOINIT);
    uint8_t buf[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    bool tc;
    cr_assert_eq(i8237_transfer(W.dma, 3, buf, 8, true, &tc), 8);
    cr_assert(tc);
    cr_assert(i8237_channel_ready(W.dma, 3));
    outb(0x0c, 0);
    cr_assert_eq(dma_read16(0x06), 0x6000);
    cr_assert_eq(dma_read16(0x07), 7);
    memset(ram(0x6000), 0, 8);
    cr_assert_eq(i8237_transfer(W.dma, 3, buf, 4, true, &tc), 4);
    cr_assert_eq(memcmp(ram(0x6000), buf, 4), 0, "second round at the base address");
}

Test(i8237, decrement_and_verify)
{
    dma_program(0, 0x7003, 4, DMA_MODE_SINGLE | DMA_MODE_WRITE | DMA_MODE_DOWN);
    uint8_t buf[4] = {0x11, 0x22, 0x33, 0x44};
    bool tc;
    cr_assert_eq(i8237_transfer(W.dma, 0, buf, 4, true, &tc), 4);
    cr_assert(tc);
    cr_assert_eq(*ram(0x7003), 0x11);
    cr_assert_eq(*ram(0x7000), 0x44);

    memset(ram(0x8000), 0x5a, 16);
    dma_program(2, 0x8000, 16, DMA_MODE_SINGLE | DMA_MODE_VERIFY);
    uint8_t z[16] = {0};
    cr_assert_eq(i8237_transfer(W.dma, 2, z, 16, true, &tc), 16);
    cr_assert(tc);
    cr_assert_eq(*ram(0x8000), 0x5a, "verify touches no memory");
}

Test(i8237, request_register_shows_in_status)
{
    outb(0x09, 0x04 | 1); /* software request, channel 1 */
    cr_assert_eq(inb(0x08) & 0xf0, 0x20);
    outb(0x09, 1);
    cr_assert_eq(inb(0x08) & 0xf0, 0x00);
}
