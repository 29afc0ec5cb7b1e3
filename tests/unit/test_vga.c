/*
 * VGA core through its ports and the 0xa0000 window (isa-vga on a bare
 * machine struct): registers, the DAC, planar write and read modes with
 * latches, and rendered pictures of text, mode 13h, planar 16-colour and
 * Bochs VBE modes.  Register semantics: FreeVGA / IBM VGA Technical
 * Reference; VBE: Bochs vbe.h.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/display/vga.h"
#include "softmmu/memory.h"
#include "ui/display.h"

static Machine M;
static MemoryRegion root, io_root;
static AddressSpace as, io_as;
static DisplaySurface surf;

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memory_region_init_container(&root, "system", 1ull << 32);
    memory_region_init_container(&io_root, "io", 0x10000);
    address_space_init(&as, &root, "memory");
    address_space_init(&io_as, &io_root, "io");
    M.system_memory = &root;
    M.as = &as;
    cr_assert_not_null(isa_vga_create(&M, &root, &io_root));
}

static void teardown(void)
{
    device_free_all(&M);
    display_surface_release(&surf);
    address_space_destroy(&io_as);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memory_region_destroy(&io_root);
}

TestSuite(vga, .init = setup, .fini = teardown);

static void outb(uint16_t port, uint8_t v)
{
    cr_assert_eq(address_space_write_val(&io_as, port, 1, false, v), MEMTX_OK);
}
static void outw(uint16_t port, uint16_t v)
{
    cr_assert_eq(address_space_write_val(&io_as, port, 2, false, v), MEMTX_OK);
}
static uint8_t inb(uint16_t port)
{
    uint64_t v;
    cr_assert_eq(address_space_read_val(&io_as, port, 1, false, &v), MEMTX_OK);
    return (uint8_t)v;
}
static uint16_t inw(uint16_t port)
{
    uint64_t v;
    cr_assert_eq(address_space_read_val(&io_as, port, 2, false, &v), MEMTX_OK);
    return (uint16_t)v;
}
static void memw(uint32_t addr, uint8_t v)
{
    cr_assert_eq(address_space_write_val(&as, addr, 1, false, v), MEMTX_OK);
}
static uint8_t memr(uint32_t addr)
{
    uint64_t v;
    cr_assert_eq(address_space_read_val(&as, addr, 1, false, &v), MEMTX_OK);
    return (uint8_t)v;
}
static void seq(uint8_t i, uint8_t v)
{
    outw(0x3c4, (uint16_t)(v << 8 | i));
}
static void gc(uint8_t i, uint8_t v)
{
    outw(0x3ce, (uint16_t)(v << 8 | i));
}
static void crtc(uint8_t i, uint8_t v)
{
    outw(0x3d4, (uint16_t)(v << 8 | i));
}
static void attr(uint8_t i, uint8_t v)
{
    inb(0x3da);
    outb(0x3c0, i);
    outb(0x3c0, v);
}
static void dac(uint8_t index, uint8_t r, uint8_t g, uint8_t b)
{
    outb(0x3c8, index);
    outb(0x3c9, r);
    outb(0x3c9, g);
    outb(0x3c9, b);
}
static void vbe(uint16_t index, uint16_t v)
{
    outw(0x1ce, index);
    outw(0x1cf, v);
}
static uint16_t vbe_rd(uint16_t index)
{
    outw(0x1ce, index);
    return inw(0x1cf);
}
static void render(void)
{
    cr_assert(display_render(&M, &surf));
}
static uint32_t px(int x, int y)
{
    cr_assert(x < surf.width && y < surf.height, "(%d,%d) outside %dx%d", x, y, surf.width,
              surf.height);
    return surf.pixels[y * surf.stride + x];
}
static void display_on(void)
{
    inb(0x3da);
    outb(0x3c0, 0x20); /* palette address source: the display reads the palette */
}

/* ---- registers ---- */

Test(vga, dac_write_read_auto_increment)
{
    dac(5, 0x3f, 0x41, 0x20); /* 6-bit DAC: 0x41 keeps 0x01 */
    dac(6, 1, 2, 3);
    outb(0x3c7, 5);
    cr_assert_eq(inb(0x3c7), 3, "DAC state after a read index");
    uint8_t got[6];
    for (int i = 0; i < 6; i++)
        got[i] = inb(0x3c9);
    uint8_t want[6] = {0x3f, 0x01, 0x20, 1, 2, 3};
    cr_assert_arr_eq(got, want, 6);
    cr_assert_eq(inb(0x3c8), 7, "write index advanced past two entries");
    outb(0x3c8, 0);
    cr_assert_eq(inb(0x3c7), 0, "DAC state after a write index");
    outb(0x3c6, 0x0f);
    cr_assert_eq(inb(0x3c6), 0x0f);
}

Test(vga, attribute_flip_flop_reset_by_input_status_1)
{
    inb(0x3da);
    outb(0x3c0, 0x12); /* index */
    outb(0x3c0, 0x05); /* data */
    cr_assert_eq(inb(0x3c0), 0x12);
    cr_assert_eq(inb(0x3c1), 0x05);
    outb(0x3c0, 0x13); /* index again: flip-flop toggled back */
    inb(0x3da);        /* and reset: next write is an index */
    outb(0x3c0, 0x34);
    cr_assert_eq(inb(0x3c0), 0x34, "index with palette address source bit 5");
    outb(0x3c0, 0x0a);
    cr_assert_eq(inb(0x3c1), 0x0a, "AR14 (colour select) holds 4 bits");
}

Test(vga, crtc_protect_bit)
{
    crtc(0x00, 0x5f);
    crtc(0x07, 0x00);
    crtc(0x11, 0x80); /* protect CR0-CR7 */
    crtc(0x00, 0x12);
    crtc(0x07, 0xff);
    crtc(0x09, 0x4f); /* not protected */
    outb(0x3d4, 0x00);
    cr_assert_eq(inb(0x3d5), 0x5f);
    outb(0x3d4, 0x07);
    cr_assert_eq(inb(0x3d5), 0x10, "only CR7 bit 4 (line compare bit 8) stays writable");
    outb(0x3d4, 0x09);
    cr_assert_eq(inb(0x3d5), 0x4f);
}

Test(vga, misc_output_selects_mono_or_colour_crtc)
{
    cr_assert_eq(inb(0x3cc), 0x01, "colour addressing after reset");
    crtc(0x0e, 0x12);
    cr_assert_eq(inb(0x3b5), 0xff, "mono range does not decode in colour mode");
    outb(0x3c2, 0x62);
    cr_assert_eq(inb(0x3cc), 0x62);
    outb(0x3b4, 0x0e);
    cr_assert_eq(inb(0x3b5), 0x12, "same CRTC at 0x3b4/0x3b5");
    cr_assert_eq(inb(0x3d5), 0xff);
}

Test(vga, sequencer_and_graphics_masks)
{
    seq(0x02, 0xff);
    outb(0x3c4, 0x02);
    cr_assert_eq(inb(0x3c5), 0x0f, "map mask has 4 bits");
    gc(0x05, 0xff);
    outb(0x3ce, 0x05);
    cr_assert_eq(inb(0x3cf), 0x7b);
}

/* ---- planar memory ---- */

static void planar_setup(void)
{
    seq(0x04, 0x06); /* no chain-4, odd/even off */
    seq(0x02, 0x0f);
    gc(0x06, 0x05); /* graphics, 0xa0000 64 KiB */
    gc(0x08, 0xff);
}

static uint8_t plane(uint32_t off, int p)
{
    gc(0x05, 0x00);
    gc(0x04, (uint8_t)p);
    return memr(0xa0000 + off);
}

Test(vga, write_mode_0_set_reset_rotate_function_bit_mask)
{
    planar_setup();
    gc(0x05, 0x00);
    gc(0x01, 0x0f); /* set/reset on every plane */
    gc(0x00, 0x05); /* planes 0 and 2 set */
    memw(0xa0000, 0x00);
    cr_assert_eq(plane(0, 0), 0xff);
    cr_assert_eq(plane(0, 1), 0x00);
    cr_assert_eq(plane(0, 2), 0xff);
    cr_assert_eq(plane(0, 3), 0x00);
    /* Rotate by 4 and XOR with the latches; bit mask keeps bit 0 from them. */
    gc(0x01, 0x00);
    gc(0x03, 0x18 | 4);
    gc(0x08, 0xfe);
    memr(0xa0000);       /* load the latches: ff 00 ff 00 */
    memw(0xa0000, 0x1e); /* rotated: 0xe1 */
    cr_assert_eq(plane(0, 0), (uint8_t)((0xff ^ 0xe1) & 0xfe) | 0x01);
    cr_assert_eq(plane(0, 1), 0xe0);
    cr_assert_eq(plane(0, 2), 0x1f);
    cr_assert_eq(plane(0, 3), 0xe0);
}

Test(vga, write_mode_1_copies_latches)
{
    planar_setup();
    gc(0x05, 0x02);
    memw(0xa0010, 0x09); /* mode 2: planes 0 and 3 all ones */
    gc(0x05, 0x01);
    memr(0xa0010);
    memw(0xa0020, 0x00);
    for (int p = 0; p < 4; p++)
        cr_assert_eq(plane(0x20, p), (p == 0 || p == 3) ? 0xff : 0x00, "plane %d", p);
}

Test(vga, write_mode_2_colour_with_bit_mask_and_map_mask)
{
    planar_setup();
    gc(0x05, 0x02);
    memw(0xa0000, 0x0f);
    gc(0x08, 0xf0);
    memr(0xa0000); /* latches ff ff ff ff */
    memw(0xa0000, 0x0a);
    cr_assert_eq(plane(0, 0), 0x0f);
    cr_assert_eq(plane(0, 1), 0xff);
    cr_assert_eq(plane(0, 2), 0x0f);
    cr_assert_eq(plane(0, 3), 0xff);
    seq(0x02, 0x04); /* only plane 2 */
    gc(0x05, 0x02);
    gc(0x08, 0xff);
    memw(0xa0000, 0x0f);
    cr_assert_eq(plane(0, 2), 0xff);
    cr_assert_eq(plane(0, 0), 0x0f, "plane 0 not in the map mask");
}

Test(vga, write_mode_3_set_reset_through_rotated_mask)
{
    planar_setup();
    gc(0x05, 0x03);
    gc(0x00, 0x06); /* planes 1 and 2 */
    gc(0x08, 0x3c);
    memr(0xa0000);       /* latches 0 */
    memw(0xa0000, 0xf0); /* mask = 0x3c & 0xf0 = 0x30 */
    cr_assert_eq(plane(0, 0), 0x00);
    cr_assert_eq(plane(0, 1), 0x30);
    cr_assert_eq(plane(0, 2), 0x30);
    cr_assert_eq(plane(0, 3), 0x00);
}

Test(vga, read_mode_1_colour_compare)
{
    planar_setup();
    gc(0x05, 0x02);
    gc(0x08, 0x80);
    memw(0xa0000, 0x05); /* pixel 0: colour 5 */
    memr(0xa0000);       /* latches keep pixel 0 through the next write */
    gc(0x08, 0x40);
    memw(0xa0000, 0x0d); /* pixel 1: colour 13 */
    gc(0x05, 0x08);      /* read mode 1 */
    gc(0x02, 0x05);
    gc(0x07, 0x0f);
    cr_assert_eq(memr(0xa0000), 0x80, "only pixel 0 is colour 5");
    gc(0x07, 0x07); /* plane 3 don't care: 13 matches 5 */
    cr_assert_eq(memr(0xa0000), 0xc0);
}

Test(vga, odd_even_and_chain4_addressing)
{
    seq(0x04, 0x02); /* odd/even */
    seq(0x02, 0x03);
    gc(0x05, 0x10);
    gc(0x06, 0x0e); /* 0xb8000 */
    memw(0xb8000, 'A');
    memw(0xb8001, 0x1f);
    cr_assert_eq(memr(0xb8000), 'A');
    cr_assert_eq(memr(0xb8001), 0x1f);
    cr_assert_eq(memr(0xa0000), 0xff, "0xa0000 not decoded with memory map 3");
    seq(0x04, 0x0e); /* chain-4 */
    seq(0x02, 0x0f);
    gc(0x05, 0x40);
    gc(0x06, 0x05);
    memw(0xa0003, 0x77);
    cr_assert_eq(memr(0xa0003), 0x77);
    seq(0x02, 0x07); /* plane 3 masked: the write to A1:A0 = 3 is dropped */
    memw(0xa0003, 0x11);
    cr_assert_eq(memr(0xa0003), 0x77);
}

/* ---- rendering ---- */

/* 80x25 text, 9x16 cells, font from plane 2 (char 'A' and 0xc4 set up). */
static void text_mode(void)
{
    outb(0x3c2, 0x67);
    seq(0x01, 0x00); /* 9-dot */
    seq(0x03, 0x00);
    crtc(0x11, 0x0e);
    crtc(0x01, 0x4f);
    crtc(0x07, 0x1f);
    crtc(0x09, 0x0f);
    crtc(0x12, 0x8f);
    crtc(0x13, 0x28);
    crtc(0x0a, 0x0e);
    crtc(0x0b, 0x0f);
    for (uint8_t i = 0; i < 16; i++)
        attr(i, i);
    attr(0x10, 0x0c); /* text, line graphics, blink */
    attr(0x12, 0x0f);
    display_on();
    dac(0, 0, 0, 0);
    dac(1, 0, 0, 42);
    dac(7, 42, 42, 42);
    dac(15, 63, 63, 63);
    /* Font: plane 2, planar access. */
    planar_setup();
    seq(0x02, 0x04);
    gc(0x05, 0x00);
    for (int row = 0; row < 16; row++) {
        memw(0xa0000 + 'A' * 32 + row, row == 0 ? 0x81 : row == 1 ? 0xff : 0x00);
        memw(0xa0000 + 0xc4 * 32 + row, row == 0 ? 0x01 : 0x00);
    }
    /* Back to text: odd/even at 0xb8000. */
    seq(0x04, 0x02);
    seq(0x02, 0x03);
    gc(0x05, 0x10);
    gc(0x06, 0x0e);
    for (int i = 0; i < 80 * 25; i++) {
        memw(0xb8000 + i * 2, ' ');
        memw(0xb8000 + i * 2 + 1, 0x07);
    }
}

Test(vga, text_mode_renders_font_attributes_and_cursor)
{
    text_mode();
    memw(0xb8000 + (80 * 1 + 2) * 2, 'A');
    memw(0xb8000 + (80 * 1 + 2) * 2 + 1, 0x1f); /* white on blue */
    memw(0xb8000 + (80 * 1 + 3) * 2, 0xc4);
    memw(0xb8000 + (80 * 1 + 3) * 2 + 1, 0x1f);
    crtc(0x0e, 0x00);
    crtc(0x0f, 0x00); /* cursor at cell 0 */
    render();
    cr_assert_eq(surf.width, 720);
    cr_assert_eq(surf.height, 400);
    int x0 = 2 * 9, y0 = 16;
    cr_assert_eq(px(x0, y0), 0xffffff, "font row 0 bit 7");
    cr_assert_eq(px(x0 + 1, y0), 0x0000aa, "background: DAC 1 scaled from 6 bits");
    cr_assert_eq(px(x0 + 7, y0), 0xffffff, "font row 0 bit 0");
    cr_assert_eq(px(x0 + 8, y0), 0x0000aa, "9th dot of a letter is background");
    for (int x = 0; x < 8; x++)
        cr_assert_eq(px(x0 + x, y0 + 1), 0xffffff);
    cr_assert_eq(px(x0 + 3, y0 + 2), 0x0000aa);
    cr_assert_eq(px(3 * 9 + 8, y0), 0xffffff, "9th dot repeats dot 8 for line graphics");
    /* Cursor on cell 0, scan lines 14-15, in the cell's foreground (7). */
    cr_assert_eq(px(4, 14), 0xaaaaaa);
    cr_assert_eq(px(4, 13), 0x000000);
    crtc(0x0a, 0x2e); /* cursor off */
    render();
    cr_assert_eq(px(4, 14), 0x000000);
}

Test(vga, text_mode_palette_and_blanking)
{
    text_mode();
    memw(0xb8000, 'A');
    memw(0xb8001, 0x01); /* colour 1 on 0 */
    attr(0x01, 0x07);    /* palette register 1 -> DAC 7 */
    display_on();
    render();
    cr_assert_eq(px(0, 0), 0xaaaaaa);
    inb(0x3da);
    outb(0x3c0, 0x00); /* palette address source off: blank */
    render();
    cr_assert_eq(px(0, 0), 0);
}

static void mode13(void)
{
    outb(0x3c2, 0x63);
    seq(0x01, 0x01);
    seq(0x02, 0x0f);
    seq(0x04, 0x0e);
    crtc(0x11, 0x0e);
    crtc(0x01, 0x4f);
    crtc(0x07, 0x1f);
    crtc(0x09, 0x41);
    crtc(0x12, 0x8f);
    crtc(0x13, 0x28);
    crtc(0x14, 0x40);
    crtc(0x17, 0xa3);
    crtc(0x18, 0xff);
    gc(0x05, 0x40);
    gc(0x06, 0x05);
    gc(0x08, 0xff);
    for (uint8_t i = 0; i < 16; i++)
        attr(i, i);
    attr(0x10, 0x41);
    attr(0x12, 0x0f);
    display_on();
}

Test(vga, mode13_pixels_through_the_dac)
{
    mode13();
    dac(0x80, 63, 32, 0);
    dac(0x81, 1, 2, 3);
    memw(0xa0000 + 7 * 320 + 5, 0x80);
    memw(0xa0000 + 199 * 320 + 319, 0x81);
    render();
    cr_assert_eq(surf.width, 320);
    cr_assert_eq(surf.height, 200);
    cr_assert_eq(px(5, 7), 0xff8200);
    cr_assert_eq(px(319, 199), 0x04080c);
    cr_assert_eq(px(6, 7), 0x000000);
    outb(0x3c6, 0x7f); /* PEL mask: 0x81 shows entry 1 */
    dac(1, 63, 63, 63);
    render();
    cr_assert_eq(px(319, 199), 0xffffff);
}

Test(vga, planar_16_colour_mode_renders_through_attribute_palette)
{
    outb(0x3c2, 0xe3);
    seq(0x01, 0x01);
    crtc(0x11, 0x0c);
    crtc(0x01, 0x4f);
    crtc(0x07, 0x3e);
    crtc(0x09, 0x40);
    crtc(0x12, 0xdf);
    crtc(0x13, 0x28);
    for (uint8_t i = 0; i < 16; i++)
        attr(i, i);
    attr(0x03, 0x3f); /* colour 3 -> DAC 0x3f */
    attr(0x10, 0x01);
    attr(0x12, 0x0f);
    display_on();
    dac(0x3f, 0, 63, 0);
    dac(9, 63, 0, 0);
    planar_setup();
    gc(0x05, 0x02);
    gc(0x08, 0x80);
    memw(0xa0000 + 80 * 10, 3); /* (0, 10) colour 3 */
    gc(0x08, 0x01);
    memw(0xa0000 + 80 * 10 + 1, 9); /* (15, 10) colour 9 */
    render();
    cr_assert_eq(surf.width, 640);
    cr_assert_eq(surf.height, 480);
    cr_assert_eq(px(0, 10), 0x00ff00);
    cr_assert_eq(px(15, 10), 0xff0000);
    cr_assert_eq(px(1, 10), 0x000000);
    attr(0x12, 0x07); /* colour plane 3 disabled: 9 shows as 1 */
    display_on();
    dac(1, 0, 0, 63);
    render();
    cr_assert_eq(px(15, 10), 0x0000ff);
}

/* ---- Bochs VBE ---- */

Test(vga, vbe_identity_and_capabilities)
{
    cr_assert_eq(vbe_rd(0), 0xb0c5);
    vbe(0, 0xb0c0);
    cr_assert_eq(vbe_rd(0), 0xb0c0);
    vbe(0, 0x1234); /* not an id: ignored */
    cr_assert_eq(vbe_rd(0), 0xb0c0);
    cr_assert_eq(vbe_rd(10), 128, "8 MiB in 64 KiB units");
    vbe(4, 0x02); /* GETCAPS */
    cr_assert_eq(vbe_rd(1), 16000);
    cr_assert_eq(vbe_rd(3), 32);
    vbe(4, 0x00);
    cr_assert_eq(vbe_rd(3), 8, "depth after reset");
}

Test(vga, vbe_32bpp_linear_framebuffer)
{
    vbe(1, 64);
    vbe(2, 48);
    vbe(3, 32);
    vbe(4, 0x41); /* enabled, LFB */
    cr_assert_eq(vbe_rd(6), 64, "virtual width follows XRES on enable");
    cr_assert_eq(address_space_write_val(&as, 0xe0000000 + (2 * 64 + 3) * 4, 4, false, 0x123456),
                 MEMTX_OK);
    render();
    cr_assert_eq(surf.width, 64);
    cr_assert_eq(surf.height, 48);
    cr_assert_eq(px(3, 2), 0x123456);
    cr_assert_eq(px(4, 2), 0);
    vbe(8, 1); /* X offset: the picture moves left */
    render();
    cr_assert_eq(px(2, 2), 0x123456);
}

Test(vga, vbe_8bpp_bank_window_and_8bit_dac)
{
    vbe(1, 320);
    vbe(2, 240);
    vbe(3, 8);
    vbe(4, 0x21); /* enabled, 8-bit DAC, banked */
    dac(0x42, 0x80, 0x40, 0xff);
    vbe(5, 1); /* bank 1: linear 0x10000 */
    memw(0xa0000 + 0x100, 0x42);
    cr_assert_eq(memr(0xa0000 + 0x100), 0x42);
    render();
    uint32_t lin = 0x10100;
    cr_assert_eq(px((int)(lin % 320), (int)(lin / 320)), 0x8040ff);
    uint64_t v;
    address_space_read_val(&as, 0xe0000000 + lin, 1, false, &v);
    cr_assert_eq(v, 0x42, "the LFB shows the same byte");
}

Test(vga, vbe_16bpp_pixels)
{
    vbe(1, 16);
    vbe(2, 16);
    vbe(3, 16);
    vbe(4, 0x41);
    cr_assert_eq(address_space_write_val(&as, 0xe0000000, 2, false, 0xf800), MEMTX_OK);
    cr_assert_eq(address_space_write_val(&as, 0xe0000002, 2, false, 0x07e0), MEMTX_OK);
    render();
    cr_assert_eq(px(0, 0), 0xff0000);
    cr_assert_eq(px(1, 0), 0x00ff00);
}

Test(vga, state_survives_save_and_load)
{
    mode13();
    dac(3, 10, 20, 30);
    Device *d = M.devices;
    size_t n = vmstate_save(d, NULL, 0);
    uint8_t *buf = malloc(n);
    cr_assert_eq(vmstate_save(d, buf, n), n);
    dac(3, 0, 0, 0);
    crtc(0x13, 0x50);
    char err[128];
    cr_assert(vmstate_load(d, buf, n, err, sizeof err), "%s", err);
    free(buf);
    outb(0x3c7, 3);
    cr_assert_eq(inb(0x3c9), 10);
    outb(0x3d4, 0x13);
    cr_assert_eq(inb(0x3d5), 0x28);
}
