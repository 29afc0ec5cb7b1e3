/*
 * pc_boot: Debian's SeaBIOS booting a DOS-era boot floppy
 * (tests/guest/x86-boot/floppy.asm): the boot sector reads 53 sectors back
 * through INT 13h — the BIOS's floppy driver on doppel's 82078 controller
 * and 8237 DMA, across heads and cylinders — checks them and exits through
 * isa-debug-exit.  The same image is booted on qemu-system-i386 when it is
 * installed, and both must print the same.
 */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "test_util.h"

#define SEABIOS     "/usr/share/seabios/bios-256k.bin"
#define FLOPPY_IMG  DOPPEL_X86_GUEST_DIR "/floppy.img"
#define FLOPPY_PASS "floppy: 53 sectors read back through INT 13h"

Test(pc_boot, seabios_boots_a_floppy_and_reads_it_through_int13, .timeout = 300)
{
    struct stat st;
    if (stat(SEABIOS, &st) != 0) {
        printf("pc_boot: skipped: Debian's seabios package is not installed\n");
        cr_skip_test("no SeaBIOS");
    }
    cr_assert_eq(stat(FLOPPY_IMG, &st), 0, "%s not built", FLOPPY_IMG);
    cr_assert_eq(st.st_size, 1474560);
    static char out[65536];
    int rc = test_run_doppel("-M pc -nographic -no-reboot -boot a -fda " FLOPPY_IMG, false, out,
                             sizeof out);
    /* (SeaBIOS's serial console may still hold the rest of its line.) */
    cr_assert(strstr(out, "Booting from Floppy"), "%s", out);
    cr_assert(strstr(out, "floppy: booted"), "%s", out);
    cr_assert(strstr(out, FLOPPY_PASS), "%s", out);
    cr_assert_eq(rc, 1, "isa-debug-exit status %d (1 = passed):\n%s", rc, out);
}

Test(pc_boot, floppy_boot_matches_qemu, .timeout = 300)
{
    test_require_program("pc_boot", "qemu-system-i386", "qemu-system-x86");
    static char out[65536];
    int rc = test_run_command("timeout -k 5 120 qemu-system-i386 -M pc -nographic -no-reboot "
                              "-device isa-debug-exit,iobase=0xf4,iosize=4 -boot a -drive "
                              "file=" FLOPPY_IMG ",format=raw,if=floppy </dev/null 2>&1",
                              out, sizeof out);
    cr_assert(strstr(out, FLOPPY_PASS), "QEMU: %s", out);
    cr_assert_eq(rc, 1, "QEMU status %d", rc);
}
