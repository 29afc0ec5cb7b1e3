/*
 * pc_linux: real guests on -M pc, from Debian's own packages, fetched and
 * built at test time by tests/linux/prepare-i386.sh (the i386 686 kernel,
 * a busybox-static initramfs whose /init prints markers and powers off,
 * and a syslinux boot disk):
 *   - Debian's SeaBIOS reaches its boot menu prompt, with a debug log free
 *     of errors, and gives up cleanly when nothing is bootable;
 *   - direct Linux boot (-kernel/-initrd/-append) to the marker and an
 *     ACPI power-off that ends doppel with status 0;
 *   - SeaBIOS booting the same kernel from an IDE disk through syslinux,
 *     and Linux seeing that disk;
 *   - SeaBIOS booting it from an ATAPI CD-ROM (El Torito, isolinux), and
 *     Linux mounting that CD;
 *   - Linux on the e1000 getting a DHCP lease from slirp and fetching a
 *     page from a server this test runs on the host's loopback.
 * The guest files are shared by the build trees of one checkout
 * (build-guests/linux-i386).  Linux boots take minutes under the
 * sanitizers, so the Debug/Sanitize build runs only the direct boot and
 * says so for the others.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

#define GUEST_DIR DOPPEL_SOURCE_DIR "/build-guests/linux-i386"
#define SEABIOS   "/usr/share/seabios/bios-256k.bin"

static char out[1 << 20];

/* The guest files, prepared once per checkout. */
static void linux_guest_ready(void)
{
    static char log[65536];
    int rc = test_run_command("bash " DOPPEL_SOURCE_DIR "/tests/linux/prepare-i386.sh " GUEST_DIR
                              " 2>&1",
                              log, sizeof log);
    cr_assert_eq(rc, 0, "tests/linux/prepare-i386.sh failed:\n%s", log);
}

static void skip_in_sanitizer_builds(const char *what)
{
#ifdef DOPPEL_DEBUG
    printf("pc_linux: skipped in this Debug/Sanitize build: %s (minutes per boot; the Release "
           "suite runs it)\n",
           what);
    cr_skip_test("%s runs in the Release build", what);
#else
    (void)what;
#endif
}

static void assert_in_output(const char *needle)
{
    cr_assert_not_null(strstr(out, needle), "'%s' not in the output:\n%s", needle,
                       strlen(out) > 6000 ? out + strlen(out) - 6000 : out);
}

Test(pc_linux, seabios_boot_menu_and_clean_log, .timeout = 600)
{
    struct stat st;
    if (stat(SEABIOS, &st) != 0) {
        printf("pc_linux: skipped: Debian's seabios package is not installed\n");
        cr_skip_test("no SeaBIOS");
    }
    char log_path[] = "/tmp/doppel-seabios-XXXXXX";
    int fd = mkstemp(log_path);
    cr_assert(fd >= 0);
    close(fd);
    char args[512];
    /* No disk: the menu prompt, every boot entry failing, then the reset
     * SeaBIOS asks for at once (reboot-timeout=0), which -no-reboot ends. */
    snprintf(args, sizeof args,
             "-M pc -m 64 -nographic -no-reboot -boot menu=on,splash-time=500,reboot-timeout=0 "
             "-debugcon file:%s",
             log_path);
    int rc = test_run_doppel(args, false, out, sizeof out);
    static char log[1 << 16];
    test_read_file(log_path, log, sizeof log);
    unlink(log_path);
    cr_assert_eq(rc, 0, "exit status %d:\n%s\nlog:\n%s", rc, out, log);
    /* On the serial console (SeaBIOS's sercon with -nographic) ... */
    assert_in_output("SeaBIOS (version");
    assert_in_output("Press ESC for boot menu.");
    assert_in_output("No bootable device.");
    /* ... and in its debug log: the machine as SeaBIOS found it. */
    static const char *const found[] = {
        "Found QEMU fw_cfg",
        "QEMU fw_cfg DMA interface supported",
        "Moving pm_base to 0x600",
        "PCI: init bdf=00:01.1 id=8086:7010",
        "Using pmtimer, ioport 0x608",
        "ACPI: parse DSDT",
        "Start SeaVGABIOS",
        "Found 1 cpu(s) max supported 1 cpu(s)",
        "Press ESC for boot menu.",
    };
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++)
        cr_assert_not_null(strstr(log, found[i]), "SeaBIOS log lacks '%s':\n%s", found[i], log);
    static const char *const errors[] = {"WARNING",   "Timeout", "timeout", "failed to",
                                         "Unable to", "invalid", "No VGA",  "malloc"};
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        cr_assert_null(strstr(log, errors[i]), "SeaBIOS log has '%s':\n%s", errors[i], log);
}

Test(pc_linux, direct_boot_to_init_and_acpi_poweroff, .timeout = 900)
{
    linux_guest_ready();
    int rc = test_run_doppel("-M pc -m 256 -nographic -no-reboot -kernel " GUEST_DIR
                             "/vmlinuz -initrd " GUEST_DIR "/initrd.gz -append "
                             "'console=ttyS0 panic=-1'",
                             false, out, sizeof out);
    assert_in_output("DOPPEL-MARKER: init reached");
    assert_in_output("DOPPEL-MARKER: powering off");
    assert_in_output("reboot: Power down");
    /* The machine as Linux found it. */
    assert_in_output("ACPI: RSDP 0x00000000000F");
    assert_in_output("IOAPIC[0]: apic_id 0, version 17, address 0xfec00000, GSI 0-23");
    assert_in_output("ACPI: PM-Timer IO Port: 0x608");
    assert_in_output("ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A");
    cr_assert_null(strstr(out, "Kernel panic"), "%s", out);
    cr_assert_eq(rc, 0, "the power-off should end doppel with status 0, got %d", rc);
}

Test(pc_linux, seabios_boots_syslinux_from_ide, .timeout = 900)
{
    skip_in_sanitizer_builds("the SeaBIOS IDE boot");
    linux_guest_ready();
    int rc = test_run_doppel("-M pc -m 256 -nographic -no-reboot -drive file=" GUEST_DIR
                             "/disk.img,format=raw,if=ide,snapshot=on",
                             false, out, sizeof out);
    assert_in_output("Booting from Hard Disk");
    assert_in_output("DOPPEL-MARKER: init reached");
    /* Linux's ata_piix driver found the disk SeaBIOS booted from. */
    assert_in_output("ata1.00: ATA-6: DOPPEL HARDDISK");
    assert_in_output("DOPPEL-DISK: sda 131072 sectors");
    assert_in_output("reboot: Power down");
    cr_assert_eq(rc, 0, "exit status %d", rc);
}

Test(pc_linux, seabios_boots_isolinux_from_atapi_cdrom, .timeout = 900)
{
    skip_in_sanitizer_builds("the SeaBIOS CD-ROM boot");
    linux_guest_ready();
    int rc =
        test_run_doppel("-M pc -m 256 -nographic -no-reboot -cdrom " GUEST_DIR "/cd.iso -boot d",
                        false, out, sizeof out);
    assert_in_output("Booting from DVD/CD");
    assert_in_output("ISOLINUX 6.04");
    assert_in_output("ata2.00: ATAPI: DOPPEL CD-ROM");
    /* Linux mounted the ISO 9660 volume it booted from through sr0. */
    assert_in_output("DOPPEL-CDROM: sr0 initrd.gz isolinux vmlinuz");
    assert_in_output("reboot: Power down");
    cr_assert_eq(rc, 0, "exit status %d", rc);
}

/* One HTTP exchange: the request line is kept for the test to check. */
typedef struct HttpServer {
    int fd;
    int port;
    char request[512];
} HttpServer;

static void *http_serve_one(void *opaque)
{
    HttpServer *h = opaque;
    int c = accept(h->fd, NULL, NULL);
    if (c < 0) return NULL;
    size_t n = 0;
    while (n < sizeof h->request - 1) {
        ssize_t r = read(c, h->request + n, sizeof h->request - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        h->request[n] = '\0';
        if (strstr(h->request, "\r\n\r\n")) break;
    }
    static const char body[] = "DOPPEL-HOST-REPLY\n";
    char resp[256];
    int len =
        snprintf(resp, sizeof resp,
                 "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                 sizeof body - 1, body);
    if (write(c, resp, (size_t)len) != len) h->request[0] = '\0';
    close(c);
    return NULL;
}

Test(pc_linux, e1000_dhcp_and_tcp_to_the_host, .timeout = 900)
{
    skip_in_sanitizer_builds("the network boot");
    linux_guest_ready();
    HttpServer h = {0};
    h.fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(h.fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(h.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t alen = sizeof a;
    cr_assert_eq(getsockname(h.fd, (struct sockaddr *)&a, &alen), 0);
    h.port = ntohs(a.sin_port);
    cr_assert_eq(listen(h.fd, 1), 0);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, http_serve_one, &h), 0);
    char args[1024];
    snprintf(args, sizeof args,
             "-M pc -m 256 -nographic -no-reboot -netdev user,id=n0 -device e1000,netdev=n0 "
             "-kernel %s/vmlinuz -initrd %s/initrd.gz -append 'console=ttyS0 panic=-1 "
             "doppel.test=net doppel.port=%d'",
             GUEST_DIR, GUEST_DIR, h.port);
    int rc = test_run_doppel(args, false, out, sizeof out);
    shutdown(h.fd, SHUT_RDWR);
    close(h.fd);
    pthread_join(t, NULL);
    assert_in_output("e1000 0000:00:03.0 eth0: (PCI:33MHz:32-bit) 52:54:00:12:34:56");
    assert_in_output("DOPPEL-NET: lease 10.0.2.15");
    assert_in_output("DOPPEL-NET: reply DOPPEL-HOST-REPLY");
    cr_assert_not_null(strstr(h.request, "GET /from-the-guest HTTP/1."), "request: '%s'",
                       h.request);
    cr_assert_eq(rc, 0, "exit status %d", rc);
}
