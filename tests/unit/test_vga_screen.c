/*
 * The display end to end: PNG screendumps read back and compared pixel
 * for pixel, the PCI VGA as SeaBIOS's VGA BIOS sees it, and a guest
 * (tests/guest/x86/vga_mode13.asm) that sets mode 13h through the
 * registers and draws, screendumped through the monitor.
 */
#include <criterion/criterion.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/display/vga.h"
#include "devices/pci/pci.h"
#include "softmmu/memory.h"
#include "test_util.h"
#include "ui/display.h"

/* ---- screendumps read back with libpng ---- */

/* Decode path into surf (0x00RRGGBB) with libpng; asserts on anything
 * malformed. */
static void png_read(const char *path, DisplaySurface *surf)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_file(&img, path), "%s: %s", path, img.message);
    img.format = PNG_FORMAT_RGB;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(img));
    cr_assert_not_null(rgb);
    cr_assert(png_image_finish_read(&img, NULL, rgb, 0, NULL), "%s: %s", path, img.message);
    cr_assert(display_surface_resize(surf, (int)img.width, (int)img.height));
    for (uint32_t y = 0; y < img.height; y++)
        for (uint32_t x = 0; x < img.width; x++) {
            const uint8_t *p = rgb + 3 * ((size_t)y * img.width + x);
            surf->pixels[y * surf->stride + x] = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        }
    free(rgb);
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "/tmp/doppel-vga-%d-%s", (int)getpid(), name);
}

Test(vga_screen, png_round_trip_is_pixel_exact)
{
    DisplaySurface s = {0}, back = {0};
    cr_assert(display_surface_resize(&s, 37, 23));
    for (int y = 0; y < 23; y++)
        for (int x = 0; x < 37; x++)
            s.pixels[y * s.stride + x] =
                (uint32_t)(x * 7) << 16 | (uint32_t)(y * 11) << 8 | (uint32_t)((x ^ y) * 5);
    char path[256], err[256];
    tmp_path(path, sizeof path, "rt.png");
    cr_assert(display_write_png(&s, path, err, sizeof err), "%s", err);
    png_read(path, &back);
    unlink(path);
    cr_assert_eq(back.width, 37);
    cr_assert_eq(back.height, 23);
    for (int y = 0; y < 23; y++)
        for (int x = 0; x < 37; x++)
            cr_assert_eq(back.pixels[y * back.stride + x], s.pixels[y * s.stride + x], "(%d,%d)", x,
                         y);
    cr_assert_not(display_write_png(&s, "/nonexistent-dir/x.png", err, sizeof err));
    cr_assert(strstr(err, "/nonexistent-dir/x.png"), "%s", err);
    display_surface_release(&s);
    display_surface_release(&back);
}

Test(vga_screen, screendump_without_display_says_so)
{
    Machine m;
    memset(&m, 0, sizeof m);
    char err[256];
    cr_assert_not(display_screendump(&m, "/tmp/never.png", err, sizeof err));
    cr_assert_str_eq(err, "this machine has no display");
}

/* ---- PCI VGA ---- */

#define VGA_DEVFN PCI_DEVFN(2, 0)

Test(vga_screen, pci_vga_identity_bars_and_rom)
{
    Machine m;
    memset(&m, 0, sizeof m);
    MemoryRegion root, io;
    AddressSpace as, io_as;
    memory_region_init_container(&root, "system", 1ull << 32);
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&as, &root, "memory");
    address_space_init(&io_as, &io, "io");
    m.system_memory = &root;
    PciBus *bus = pci_bus_new(&m, &root, &io, &as);
    cr_assert(machine_add_bus(&m, PCI_BUS_NAME, bus));
    struct stat st;
    bool have_rom = stat(VGA_STD_ROMFILE, &st) == 0;
    Device *d = vga_pci_create(&m, bus, VGA_DEVFN, have_rom ? NULL : "");
    cr_assert_not_null(d);
    cr_assert_eq(pci_bus_config_read(bus, VGA_DEVFN, PCI_VENDOR_ID, 4), 0x11111234);
    cr_assert_eq(pci_bus_config_read(bus, VGA_DEVFN, PCI_REVISION_ID, 4) >> 8, 0x030000);
    /* BAR sizing: 16 MiB prefetchable memory, 4 KiB MMIO. */
    pci_bus_config_write(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    cr_assert_eq(pci_bus_config_read(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0, 4), 0xff000008);
    pci_bus_config_write(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    cr_assert_eq(pci_bus_config_read(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8, 4), 0xfffff000);
    pci_bus_config_write(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0, 0xfd000000, 4);
    pci_bus_config_write(bus, VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8, 0xfebf0000, 4);
    pci_bus_config_write(bus, VGA_DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    uint64_t v;
    /* Dispi registers in the MMIO BAR, and the same through the ports. */
    cr_assert_eq(address_space_read_val(&as, 0xfebf0500, 2, false, &v), MEMTX_OK);
    cr_assert_eq(v, 0xb0c5);
    address_space_read_val(&as, 0xfebf0500 + 2 * 10, 2, false, &v);
    cr_assert_eq(v, 256, "16 MiB in 64 KiB units");
    address_space_write_val(&as, 0xfebf0500 + 2, 2, false, 800);
    address_space_write_val(&io_as, 0x1ce, 2, false, 1);
    address_space_read_val(&io_as, 0x1cf, 2, false, &v);
    cr_assert_eq(v, 800);
    /* VGA ports at 0x400: a 16-bit write is index then data. */
    address_space_write_val(&as, 0xfebf0400 + (0x3c4 - 0x3c0), 2, false, 0x0f02);
    address_space_write_val(&io_as, 0x3c4, 1, false, 2);
    address_space_read_val(&io_as, 0x3c5, 1, false, &v);
    cr_assert_eq(v, 0x0f);
    address_space_read_val(&as, 0xfebf0604, 4, false, &v);
    cr_assert_eq(v, 0x1e1e1e1e, "little-endian framebuffer");
    /* The framebuffer is RAM at BAR0 and what the picture shows. */
    address_space_write_val(&as, 0xfebf0500 + 2 * 1, 2, false, 8);
    address_space_write_val(&as, 0xfebf0500 + 2 * 2, 2, false, 8);
    address_space_write_val(&as, 0xfebf0500 + 2 * 3, 2, false, 32);
    address_space_write_val(&as, 0xfebf0500 + 2 * 4, 2, false, 0x41);
    cr_assert_eq(address_space_lookup(&as, 0xfd000000)->mr->kind, MR_RAM);
    address_space_write_val(&as, 0xfd000000 + 4 * 9, 4, false, 0xabcdef);
    DisplaySurface s = {0};
    cr_assert(display_render(&m, &s));
    cr_assert_eq(s.width, 8);
    cr_assert_eq(s.pixels[9], 0xabcdef);
    display_surface_release(&s);
    /* The legacy window decodes regardless of the BARs. */
    cr_assert_eq(address_space_lookup(&as, 0xa0000)->mr->kind, MR_IO);
    if (have_rom) {
        pci_bus_config_write(bus, VGA_DEVFN, PCI_ROM_ADDRESS, 0xffffffff, 4);
        cr_assert_eq(pci_bus_config_read(bus, VGA_DEVFN, PCI_ROM_ADDRESS, 4), 0xffff0001,
                     "64 KiB ROM");
        pci_bus_config_write(bus, VGA_DEVFN, PCI_ROM_ADDRESS, 0xfeb00001, 4);
        address_space_read_val(&as, 0xfeb00000, 2, false, &v);
        cr_assert_eq(v, 0xaa55, "option ROM signature");
    }
    device_free_all(&m);
    pci_bus_free(bus);
    address_space_destroy(&io_as);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memory_region_destroy(&io);
}

/* ---- a guest draws, the monitor screendumps ---- */

static bool wait_for_text(const char *path, const char *text, int seconds)
{
    char buf[4096];
    for (int i = 0; i < seconds * 20; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = '\0';
            fclose(f);
            if (strstr(buf, text)) return true;
        }
        usleep(50000);
    }
    return false;
}

Test(vga_screen, guest_mode13_screendump_through_monitor, .timeout = 120)
{
    char elf[512];
    snprintf(elf, sizeof elf, "%s/vga_mode13.elf", DOPPEL_X86_GUEST_DIR);
    if (access(elf, R_OK) != 0) cr_skip_test("%s not built (nasm missing?)", elf);
    char serial[256], png[256], out[256], cmd[2048];
    tmp_path(serial, sizeof serial, "serial.txt");
    tmp_path(png, sizeof png, "mode13.png");
    tmp_path(out, sizeof out, "out.txt");
    unlink(serial);
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 90 %s -M pc -accel interp -display none "
             "-serial file:%s -monitor stdio -kernel %s -append vga-wait >%s 2>&1",
             DOPPEL_BINARY, serial, elf, out);
    FILE *p = popen(cmd, "w");
    cr_assert_not_null(p);
    bool drawn = wait_for_text(serial, "vga_mode13: drawn", 60);
    fprintf(p, "screendump %s\nquit\n", png);
    fflush(p);
    int status = pclose(p);
    char log[4096];
    test_read_file(out, log, sizeof log);
    unlink(serial);
    unlink(out);
    cr_assert(drawn, "the guest never said it had drawn; doppel said:\n%s", log);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "doppel: %s", log);
    DisplaySurface s = {0};
    png_read(png, &s);
    unlink(png);
    cr_assert_eq(s.width, 320);
    cr_assert_eq(s.height, 200);
    /* Quadrants in DAC colours 1-4 (6-bit 63 -> 0xff). */
    struct {
        int x, y;
        uint32_t rgb;
    } want[] = {{0, 0, 0xff0000},     {159, 99, 0xff0000},  {160, 0, 0x00ff00},
                {319, 99, 0x00ff00},  {0, 100, 0x0000ff},   {159, 199, 0x0000ff},
                {160, 100, 0xffffff}, {319, 199, 0xffffff}, {5, 7, 0xffffff},
                {6, 7, 0xff0000}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(s.pixels[want[i].y * s.stride + want[i].x], want[i].rgb,
                     "pixel (%d,%d): got %06x", want[i].x, want[i].y,
                     s.pixels[want[i].y * s.stride + want[i].x]);
    display_surface_release(&s);
}

/* ---- the SDL window ---- */

Test(vga_screen, sdl_without_a_display_is_one_line_and_status_1, .timeout = 60)
{
    char cmd[2048], out[4096];
    snprintf(cmd, sizeof cmd,
             "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout -k 5 30 %s -M pc "
             "-display sdl -kernel %s/vga_mode13.elf 2>&1 </dev/null",
             DOPPEL_BINARY, DOPPEL_X86_GUEST_DIR);
    int rc = test_run_command(cmd, out, sizeof out);
    cr_assert_eq(rc, 1, "%s", out);
    cr_assert(strstr(out, "doppel: -display sdl: cannot open a window"), "%s", out);
    cr_assert_null(strstr(out, "vga_mode13: start"), "nothing ran: %s", out);
}

Test(vga_screen, sdl_window_runs_the_guest, .timeout = 120)
{
    char elf[512], cmd[2048], out[8192];
    snprintf(elf, sizeof elf, "%s/vga_mode13.elf", DOPPEL_X86_GUEST_DIR);
    if (access(elf, R_OK) != 0) cr_skip_test("%s not built (nasm missing?)", elf);
    /* SDL's offscreen driver: the window, its timer and redraws without a screen. */
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen timeout -k 5 90 %s -M pc -accel interp -display sdl "
             "-serial stdio -monitor none -kernel %s 2>/dev/null </dev/null",
             DOPPEL_BINARY, elf);
    int rc = test_run_command(cmd, out, sizeof out);
    cr_assert_eq(rc, 1, "exit status %d (1 = the guest passed): %s", rc, out);
    cr_assert(strstr(out, "vga_mode13: drawn"), "%s", out);
}

/* SeaBIOS runs the VGA BIOS from the ROM BAR, which sets text mode 3 and
 * prints its banner: the screendump is 80x25 9x16 text with lit pixels
 * in the first row of characters. */
Test(vga_screen, seabios_text_console_through_the_vga_bios, .timeout = 150)
{
    struct stat st;
    if (stat(VGA_STD_ROMFILE, &st) != 0 || stat("/usr/share/seabios/bios-256k.bin", &st) != 0)
        cr_skip_test("Debian's seabios package is not installed");
    char dbg[256], png[256], out[256], cmd[2048];
    tmp_path(dbg, sizeof dbg, "seabios.log");
    tmp_path(png, sizeof png, "bios.png");
    tmp_path(out, sizeof out, "bios-out.txt");
    unlink(dbg);
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 120 %s -M pc -display none -serial none "
             "-debugcon file:%s -monitor stdio >%s 2>&1",
             DOPPEL_BINARY, dbg, out);
    FILE *p = popen(cmd, "w");
    cr_assert_not_null(p);
    bool booted = wait_for_text(dbg, "Booting from", 100);
    usleep(500000); /* the line reaches the screen as it reaches the log */
    fprintf(p, "screendump %s\nquit\n", png);
    fflush(p);
    pclose(p);
    char log[4096];
    test_read_file(out, log, sizeof log);
    unlink(dbg);
    unlink(out);
    cr_assert(booted, "SeaBIOS did not reach its boot attempts: %s", log);
    DisplaySurface s = {0};
    png_read(png, &s);
    unlink(png);
    cr_assert_eq(s.width, 720);
    cr_assert_eq(s.height, 400);
    unsigned lit_first_row = 0, lit_last_row = 0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 720; x++) {
            lit_first_row += s.pixels[y * s.stride + x] != 0;
            lit_last_row += s.pixels[(384 + y) * s.stride + x] != 0;
        }
    cr_assert_gt(lit_first_row, 200, "the banner \"SeaBIOS (version ...)\" on row 0");
    cr_assert_eq(lit_last_row, 0, "row 24 is empty");
    display_surface_release(&s);
}
