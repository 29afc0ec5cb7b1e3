/* channel: S/370 channels and the ESA/390 channel subsystem driven through
 * channel_io_ops, with real unit-record devices on temp files, storage a
 * RAM region with its storage keys. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/channel/channel.h"
#include "devices/unitrec/ebcdic.h"
#include "softmmu/memory.h"
#include "test_util.h"

#define RAM_SIZE 0x10000u
#define PSA      0u

#include "channel_world.h"

static char dir[64];

static void world(bool esa)
{
    channel_world_init(esa);
    strcpy(dir, "/tmp/doppel-chan-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void setup370(void)
{
    world(false);
}
static void setup390(void)
{
    world(true);
}

static void teardown(void)
{
    channel_world_fini();
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static char *path(const char *name)
{
    static char buf[4][128];
    static int k;
    char *p = buf[k++ & 3];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

static Device *unit(const char *type, const char *props)
{
    Device *d = device_create(&M, type);
    cr_assert_not_null(d, "no device %s", type);
    char copy[512], err[256];
    snprintf(copy, sizeof copy, "%s", props);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        cr_assert_not_null(eq);
        *eq = 0;
        cr_assert(device_set_prop(d, tok, eq + 1, err, sizeof err), "%s", err);
    }
    cr_assert(device_realize(d), "%s did not realize", type);
    return d;
}

static Chardev *console_chardev(const char *file, const char *id)
{
    char spec[192], err[256];
    snprintf(spec, sizeof spec, "file:%s", path(file));
    Chardev *c = chardev_from_spec(&M, spec, err, sizeof err);
    cr_assert_not_null(c, "%s", err);
    chardev_set_id(c, id);
    return c;
}

static void write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(path(name), "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static char *read_back(const char *name)
{
    static char buf[4096];
    return test_read_file(path(name), buf, sizeof buf);
}

static uint8_t *mem(uint32_t addr)
{
    return ram.host + addr;
}

static void ebcdic(uint32_t at, const char *text)
{
    memcpy(mem(at), text, strlen(text));
    ascii_to_ebcdic_buf(mem(at), strlen(text));
}

static void ccw0(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
    uint8_t *p = mem(at);
    p[0] = cmd;
    p[1] = (uint8_t)(data >> 16);
    p[2] = (uint8_t)(data >> 8);
    p[3] = (uint8_t)data;
    p[4] = flags;
    p[5] = 0;
    p[6] = (uint8_t)(count >> 8);
    p[7] = (uint8_t)count;
}

static void ccw1(uint32_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t data)
{
    uint8_t *p = mem(at);
    p[0] = cmd;
    p[1] = flags;
    p[2] = (uint8_t)(count >> 8);
    p[3] = (uint8_t)count;
    p[4] = (uint8_t)(data >> 24);
    p[5] = (uint8_t)(data >> 16);
    p[6] = (uint8_t)(data >> 8);
    p[7] = (uint8_t)data;
}

static void caw(uint8_t key, uint32_t addr)
{
    uint8_t *p = mem(PSA + 72);
    p[0] = (uint8_t)(key << 4);
    p[1] = (uint8_t)(addr >> 16);
    p[2] = (uint8_t)(addr >> 8);
    p[3] = (uint8_t)addr;
}

static uint64_t csw(void)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | mem(PSA + 64)[i];
    return v;
}

#define CSW_ADDR(c)  ((uint32_t)((c) >> 32) & 0xffffff)
#define CSW_UNIT(c)  ((uint8_t)((c) >> 24))
#define CSW_CHAN(c)  ((uint8_t)((c) >> 16))
#define CSW_COUNT(c) ((uint16_t)(c))
#define CSW_DCC(c)   ((unsigned)((c) >> 56) & 3)
#define CSW_KEY(c)   ((unsigned)((c) >> 60))

enum { CE_DE = 0x0c, UC = 0x02, UX = 0x01, ATTN = 0x80, BUSY = 0x10 };
enum { PCI = 0x80, IL = 0x40, PROGC = 0x20, PROTC = 0x10 };

/* Take the interruption for devaddr (all channels enabled). */
static void take_interrupt(uint16_t devaddr)
{
    uint16_t got = 0;
    cr_assert(io->s370_interrupt(css, 0xffffffffu, PSA, &got), "no interruption pending");
    cr_assert_eq(got, devaddr, "interruption from %03x", got);
}

/* ---------------------------------------------------------------- */
/* S/370                                                            */

TestSuite(channel, .init = setup370, .fini = teardown);

Test(channel, console_write_with_data_and_command_chaining)
{
    console_chardev("con.txt", "con1");
    unit("3215", "devno=009,chardev=con1");
    ebcdic(0x1000, "HELLO ");
    ebcdic(0x1100, "WORLD");
    ebcdic(0x1200, "NEXT");
    ccw0(0x800, 0x09, 0x1000, 0x80, 6); /* write, CR; data chain */
    ccw0(0x808, 0x00, 0x1100, 0x40, 5); /* ... command chain */
    ccw0(0x810, 0x01, 0x1200, 0x20, 4); /* write, no CR */
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    cr_assert_eq(line_level, 1);
    take_interrupt(0x009);
    uint64_t c = csw();
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), 0);
    cr_assert_eq(CSW_ADDR(c), 0x818);
    cr_assert_eq(CSW_COUNT(c), 0);
    cr_assert_eq(line_level, 0);
    cr_assert_str_eq(read_back("con.txt"), "HELLO WORLD\nNEXT");
}

Test(channel, immediate_command_sets_cc1_and_stores_csw)
{
    console_chardev("con.txt", "con2");
    unit("3215", "devno=01f,chardev=con2");
    ccw0(0x800, 0x03, 0, 0, 1); /* NOP */
    caw(0, 0x800);
    memset(mem(64), 0xee, 8);
    cr_assert_eq(io->start_io(css, 0x01f, false, PSA), 1);
    uint64_t c = csw();
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_ADDR(c), 0x808);
    cr_assert_eq(CSW_CHAN(c), 0, "no incorrect length for a format-0 immediate command");
    cr_assert_eq(line_level, 0);
    cr_assert_eq(io->test_io(css, 0x01f, PSA), 0);
    /* SIOF: cc 0, the same CSW arrives with deferred condition code 1. */
    cr_assert_eq(io->start_io(css, 0x01f, true, PSA), 0);
    take_interrupt(0x01f);
    c = csw();
    cr_assert_eq(CSW_DCC(c), 1);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
}

Test(channel, not_operational_and_busy)
{
    console_chardev("con.txt", "con3");
    unit("3215", "devno=009,chardev=con3");
    cr_assert_eq(io->start_io(css, 0x00a, false, PSA), 3);
    cr_assert_eq(io->test_io(css, 0x109, PSA), 3);
    cr_assert_eq(io->test_channel(css, 1), 3);
    cr_assert_eq(io->test_channel(css, 0), 0);
    ebcdic(0x1000, "X");
    ccw0(0x800, 0x01, 0x1000, 0, 1);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    /* Interruption pending in the subchannel: SIO cc 2, TCH cc 1. */
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 2);
    cr_assert_eq(io->test_channel(css, 0), 1);
    cr_assert_eq(io->halt_io(css, 0x009, false, PSA), 0);
    /* TIO clears it into the CSW. */
    memset(mem(64), 0, 8);
    cr_assert_eq(io->test_io(css, 0x009, PSA), 1);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    cr_assert_eq(io->test_io(css, 0x009, PSA), 0);
    cr_assert_not(io->s370_interrupt(css, 0xffffffffu, PSA, &(uint16_t){0}));
    /* STIDC: channel 0 is a byte multiplexer. */
    cr_assert_eq(io->store_channel_id(css, 0, PSA), 0);
    cr_assert_eq(mem(168)[0], 0x10);
    cr_assert_eq(io->store_channel_id(css, 3, PSA), 3);
}

static Device *reader(const char *devno, const char *file, const char *extra)
{
    char props[256];
    snprintf(props, sizeof props, "devno=%s,file=%s%s%s", devno, path(file), extra[0] ? "," : "",
             extra);
    return unit("3505", props);
}

static void expect_ebcdic(uint32_t at, const char *text, size_t len)
{
    char e[128];
    memset(e, ' ', len);
    memcpy(e, text, strlen(text));
    ascii_to_ebcdic_buf((uint8_t *)e, len);
    cr_assert_arr_eq(mem(at), e, len, "storage at %x", at);
}

Test(channel, reader_ascii_incorrect_length_and_sli)
{
    write_file("deck.txt", "FIRST CARD\nSECOND\tTAB\r\nTHIRD", 28);
    reader("00c", "deck.txt", "format=ascii,eof=on");
    /* 80 columns into 100 bytes without SLI: incorrect length, residual 20. */
    memset(mem(0x1000), 0, 256);
    ccw0(0x800, 0x02, 0x1000, 0, 100);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    uint64_t c = csw();
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), IL);
    cr_assert_eq(CSW_COUNT(c), 20);
    expect_ebcdic(0x1000, "FIRST CARD", 80);
    cr_assert_eq(mem(0x1000)[80], 0);
    /* 40 of 80 columns with SLI: no indication, tab expanded to column 8. */
    ccw0(0x800, 0x02, 0x1000, 0x20, 40);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    c = csw();
    cr_assert_eq(CSW_CHAN(c), 0);
    cr_assert_eq(CSW_COUNT(c), 0);
    expect_ebcdic(0x1000, "SECOND  TAB", 40);
    /* Command chaining stops at incorrect length. */
    ccw0(0x800, 0x02, 0x1000, 0x40, 10);
    ccw0(0x808, 0x02, 0x1100, 0x20, 80);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    c = csw();
    cr_assert_eq(CSW_CHAN(c), IL);
    cr_assert_eq(CSW_ADDR(c), 0x808);
    /* End of deck with eof=on: unit exception. */
    ccw0(0x800, 0x02, 0x1000, 0x20, 80);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 1);
    c = csw();
    cr_assert_eq(CSW_UNIT(c), CE_DE | UX);
}

Test(channel, reader_ebcdic_eof_off_sense_and_autopad)
{
    uint8_t deck[80 + 30];
    memset(deck, 0xc1, 80);
    memset(deck + 80, 0xc2, 30);
    write_file("deck.bin", deck, sizeof deck);
    reader("00c", "deck.bin", "eof=off");
    reader("00d", "deck.bin", "format=autopad");
    ccw0(0x800, 0x02, 0x1000, 0x20, 80);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(mem(0x1000)[79], 0xc1);
    /* The short last card is an equipment check, then the hopper is empty. */
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 1);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE | UC);
    ccw0(0x810, 0x04, 0x1200, 0, 1);
    caw(0, 0x810);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(mem(0x1200)[0], 0x10, "equipment check");
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 1);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE | UC);
    caw(0, 0x810);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(mem(0x1200)[0], 0x40, "intervention required");
    /* autopad: the short card reads padded with zeros. */
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 0);
    take_interrupt(0x00d);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 0);
    take_interrupt(0x00d);
    cr_assert_eq(mem(0x1000)[29], 0xc2);
    cr_assert_eq(mem(0x1000)[30], 0x00);
    /* An invalid command is rejected with sense "command reject". */
    ccw0(0x800, 0x05, 0x1000, 0x20, 80);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 1);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE | UC);
    caw(0, 0x810);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 0);
    take_interrupt(0x00d);
    cr_assert_eq(mem(0x1200)[0], 0x80);
}

Test(channel, skip_and_data_chaining_of_reads)
{
    write_file("deck.txt", "ABCDEFGHIJ\n", 11);
    reader("00c", "deck.txt", "format=ascii");
    memset(mem(0x1000), 0, 0x200);
    ccw0(0x800, 0x02, 0x1000, 0x80, 3);  /* ABC */
    ccw0(0x808, 0x00, 0x1100, 0x90, 4);  /* DEFG skipped */
    ccw0(0x810, 0x00, 0x1003, 0x20, 73); /* the rest */
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    uint64_t c = csw();
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), 0);
    cr_assert_eq(CSW_ADDR(c), 0x818);
    expect_ebcdic(0x1000, "ABCHIJ", 76);
    cr_assert_eq(mem(0x1100)[0], 0, "skipped data is not stored");
}

Test(channel, pci_appears_in_the_final_status)
{
    console_chardev("con.txt", "con4");
    unit("3215", "devno=009,chardev=con4");
    ebcdic(0x1000, "A");
    ccw0(0x800, 0x01, 0x1000, 0x48, 1);
    ccw0(0x808, 0x01, 0x1000, 0x00, 1);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    uint64_t c = csw();
    cr_assert_eq(CSW_CHAN(c), PCI);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_not(io->s370_interrupt(css, 0xffffffffu, PSA, &(uint16_t){0}));
}

Test(channel, protection_check_with_storage_keys)
{
    console_chardev("con.txt", "con5");
    unit("3215", "devno=009,chardev=con5");
    write_file("deck.txt", "CARD\n", 5);
    reader("00c", "deck.txt", "format=ascii");
    keys[0x1000 >> 11] = 0x38; /* key 3, fetch protected */
    keys[0x2000 >> 11] = 0x50; /* key 5 */
    ebcdic(0x1000, "SECRET");
    ccw0(0x800, 0x01, 0x1000, 0x20, 6);
    caw(5, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    uint64_t c = csw();
    cr_assert_eq(CSW_CHAN(c), PROTC);
    cr_assert_eq(CSW_KEY(c), 5);
    cr_assert_str_eq(read_back("con.txt"), "");
    /* Key 5 may store into its own block: reference and change set. */
    ccw0(0x800, 0x02, 0x2000, 0x20, 80);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(CSW_CHAN(csw()), 0);
    cr_assert_eq(keys[0x2000 >> 11], 0x50 | 0x04 | 0x02);
    /* Key 0 matches every block. */
    ebcdic(0x1000, "OPEN");
    ccw0(0x800, 0x01, 0x1000, 0x20, 4);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    cr_assert_str_eq(read_back("con.txt"), "OPEN");
}

Test(channel, tic_rules_and_program_checks)
{
    console_chardev("con.txt", "con6");
    unit("3215", "devno=009,chardev=con6");
    ebcdic(0x1000, "T");
    /* TIC forward, then a write: fine. */
    ccw0(0x800, 0x08, 0x900, 0, 0);
    ccw0(0x900, 0x01, 0x1000, 0, 1);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    cr_assert_eq(CSW_ADDR(csw()), 0x908);
    cr_assert_eq(CSW_CHAN(csw()), 0);
    /* NOP chained to a TIC to a TIC: program check at the second TIC. */
    ccw0(0x800, 0x03, 0, 0x40, 1);
    ccw0(0x808, 0x08, 0x900, 0, 0);
    ccw0(0x900, 0x18, 0xa00, 0, 0);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    cr_assert_eq(CSW_CHAN(csw()), PROGC);
    cr_assert_eq(CSW_ADDR(csw()), 0x908);
    /* TIC to an address that is not a doubleword. */
    ccw0(0x808, 0x08, 0x904, 0, 0);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    cr_assert_eq(CSW_CHAN(csw()), PROGC);
    cr_assert_eq(CSW_ADDR(csw()), 0x810);
    /* Zero count and an invalid command code in the first CCW: cc 1 with
     * only the status portion stored; invalid CAW likewise. */
    memset(mem(64), 0xee, 8);
    ccw0(0x800, 0x01, 0x1000, 0, 0);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 1);
    cr_assert_eq(mem(68)[1], PROGC);
    cr_assert_eq(mem(64)[0], 0xee, "only the status portion");
    ccw0(0x800, 0x10, 0x1000, 0, 1);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 1);
    cr_assert_eq(mem(68)[1], PROGC);
    caw(0, 0x804);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 1);
    cr_assert_eq(mem(68)[1], PROGC);
    cr_assert_eq(line_level, 0);
    /* A CCW beyond storage. */
    caw(0, RAM_SIZE + 0x100);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 1);
    cr_assert_eq(mem(68)[1], PROGC);
}

Test(channel, endless_program_is_sliced_and_halted)
{
    console_chardev("con.txt", "con7");
    unit("3215", "devno=009,chardev=con7");
    ccw0(0x800, 0x03, 0, 0x40, 1);
    ccw0(0x808, 0x08, 0x800, 0, 0);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    cr_assert_eq(io->test_io(css, 0x009, PSA), 2);
    cr_assert_eq(io->halt_io(css, 0x009, false, PSA), 1);
    take_interrupt(0x009);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    cr_assert_eq(io->test_io(css, 0x009, PSA), 0);
}

Test(channel, console_read_waits_for_the_operator)
{
    Chardev *c = console_chardev("con.txt", "con8");
    unit("3215", "devno=009,chardev=con8");
    memset(mem(0x1000), 0, 64);
    ccw0(0x800, 0x0a, 0x1000, 0x20, 20);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    cr_assert_eq(line_level, 0);
    cr_assert_eq(io->test_io(css, 0x009, PSA), 2);
    chardev_input(c, (const uint8_t *)"hello\r\n", 7);
    cr_assert_eq(line_level, 1);
    take_interrupt(0x009);
    uint64_t s = csw();
    cr_assert_eq(CSW_UNIT(s), CE_DE);
    cr_assert_eq(CSW_COUNT(s), 15);
    expect_ebcdic(0x1000, "hello", 5);
    cr_assert_str_eq(read_back("con.txt"), "hello\n", "the line is echoed");
    /* A line typed with no read pending: attention, then a read takes it. */
    chardev_input(c, (const uint8_t *)"req\r", 4);
    take_interrupt(0x009);
    cr_assert_eq(CSW_UNIT(csw()), ATTN);
    cr_assert_eq(CSW_ADDR(csw()), 0);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    take_interrupt(0x009);
    expect_ebcdic(0x1000, "req", 3);
    /* Halting a waiting read. */
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    cr_assert_eq(io->halt_io(css, 0x009, false, PSA), 1);
    take_interrupt(0x009);
    cr_assert_eq(CSW_COUNT(csw()), 20);
}

Test(channel, attention_makes_sio_busy)
{
    Chardev *c = console_chardev("con.txt", "con9");
    unit("3215", "devno=009,chardev=con9");
    chardev_input(c, (const uint8_t *)"x\r", 2);
    ccw0(0x800, 0x03, 0, 0, 1);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 1);
    cr_assert_eq(mem(68)[0], BUSY | ATTN);
    cr_assert_eq(line_level, 0);
}

Test(channel, interruption_priority_and_channel_masks)
{
    console_chardev("con.txt", "con10");
    unit("3215", "devno=109,chardev=con10");
    console_chardev("con2.txt", "con11");
    unit("3215", "devno=009,chardev=con11");
    ebcdic(0x1000, "A");
    ccw0(0x800, 0x01, 0x1000, 0, 1);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x109, false, PSA), 0);
    cr_assert_eq(io->start_io(css, 0x009, false, PSA), 0);
    uint16_t got;
    cr_assert_not(io->s370_interrupt(css, 0x20000000u, PSA, &got), "channel 2 only");
    cr_assert(io->s370_interrupt(css, 0xc0000000u, PSA, &got));
    cr_assert_eq(got, 0x009, "channel 0 first");
    cr_assert(io->s370_interrupt(css, 0x40000000u, PSA, &got));
    cr_assert_eq(got, 0x109);
}

Test(channel, ipl_from_a_card_deck)
{
    uint8_t deck[160];
    memset(deck, 0x40, sizeof deck);
    static const uint8_t card1[24] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, /* BC PSW at 400 */
        0x02, 0x00, 0x04, 0x00, 0x60, 0x00, 0x00, 0x50, /* read 80 to 400, CC SLI */
        0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01, /* TIC to 500 */
    };
    memcpy(deck, card1, sizeof card1);
    memcpy(deck + 80, "\x47\xf0\x04\x00", 4); /* B *, whatever */
    write_file("ipl.bin", deck, sizeof deck);
    reader("00c", "ipl.bin", "");
    ccw0(0x500, 0x03, 0, 0, 1);
    char err[160];
    cr_assert(channel_ipl(css, 0x00c, err, sizeof err), "%s", err);
    cr_assert_eq(mem(0x400)[0], 0x47);
    cr_assert_eq(mem(2)[0], 0x00);
    cr_assert_eq(mem(3)[0], 0x0c, "BC mode: I/O address in the IPL PSW");
    cr_assert_eq(line_level, 0, "no interruption after IPL");
    cr_assert_not(channel_ipl(css, 0x00d, err, sizeof err));
    /* The deck is empty now: the IPL fails with a reason. */
    cr_assert_not(channel_ipl(css, 0x00c, err, sizeof err));
    cr_assert(strstr(err, "unit status") != NULL, "%s", err);
    /* After a system reset the deck is back in the hopper (device reset). */
    device_reset_all(&M);
    channel_subsystem_reset(css);
    cr_assert(channel_ipl(css, 0x00c, err, sizeof err), "%s", err);
}

Test(channel, printer_carriage_control)
{
    char props[192];
    snprintf(props, sizeof props, "devno=00e,file=%s", path("print.txt"));
    unit("1403", props);
    ebcdic(0x1000, "LINE ONE   ");
    ebcdic(0x1100, "LINE TWO");
    ccw0(0x800, 0x8b, 0, 0x40, 1);       /* skip to channel 1 immediately */
    ccw0(0x808, 0x09, 0x1000, 0x40, 11); /* write, space 1 */
    ccw0(0x810, 0x11, 0x1100, 0x40, 8);  /* write, space 2 */
    ccw0(0x818, 0x01, 0x1000, 0x40, 4);  /* write, no space */
    ccw0(0x820, 0x89, 0x1100, 0x00, 4);  /* write, skip to channel 1 */
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00e, false, PSA), 0);
    take_interrupt(0x00e);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    cr_assert_eq(CSW_CHAN(csw()), 0);
    cr_assert_str_eq(read_back("print.txt"), "\fLINE ONE\nLINE TWO\n\nLINE\rLINE\n\f");
    /* Spacing onto channel 12 (line 60) ends with unit exception. */
    ccw0(0x800, 0x1b, 0, 0x40, 1);
    ccw0(0x808, 0x08, 0x800, 0, 0);
    cr_assert_eq(io->start_io(css, 0x00e, false, PSA), 0);
    take_interrupt(0x00e);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE | UX);
}

Test(channel, punch_ascii_and_ebcdic)
{
    char props[192];
    snprintf(props, sizeof props, "devno=00d,format=ascii,file=%s", path("punch.txt"));
    unit("3525", props);
    snprintf(props, sizeof props, "devno=01d,file=%s", path("punch.bin"));
    unit("2540P", props);
    memset(mem(0x1000), 0x40, 80);
    ebcdic(0x1000, "PUNCHED");
    ccw0(0x800, 0x01, 0x1000, 0x00, 80);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 0);
    take_interrupt(0x00d);
    cr_assert_eq(CSW_CHAN(csw()), 0);
    /* A short card is padded; the length is wrong without SLI. */
    ccw0(0x800, 0x01, 0x1000, 0x00, 3);
    cr_assert_eq(io->start_io(css, 0x00d, false, PSA), 0);
    take_interrupt(0x00d);
    cr_assert_eq(CSW_CHAN(csw()), IL);
    cr_assert_str_eq(read_back("punch.txt"), "PUNCHED\nPUN\n");
    ccw0(0x800, 0x01, 0x1000, 0x20, 3);
    cr_assert_eq(io->start_io(css, 0x01d, false, PSA), 0);
    take_interrupt(0x01d);
    FILE *f = fopen(path("punch.bin"), "rb");
    uint8_t card[81];
    cr_assert_eq(fread(card, 1, 81, f), 80);
    fclose(f);
    cr_assert_eq(card[0], 0xd7);
    cr_assert_eq(card[3], 0x40);
    cr_assert_eq(card[79], 0x40);
}

Test(channel, indirect_data_addressing)
{
    write_file("deck.txt", "0123456789\n0123456789\n", 22);
    reader("00c", "deck.txt", "format=ascii");
    uint8_t *idaw = mem(0x700);
    /* 6 bytes at 0x17fa to the block end, then the block at 0x3000. */
    idaw[0] = 0, idaw[1] = 0, idaw[2] = 0x17, idaw[3] = 0xfa;
    idaw[4] = 0, idaw[5] = 0, idaw[6] = 0x30, idaw[7] = 0x00;
    ccw0(0x800, 0x02, 0x700, 0x24, 80);
    caw(0, 0x800);
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(CSW_CHAN(csw()), 0);
    expect_ebcdic(0x17fa, "012345", 6);
    expect_ebcdic(0x3000, "6789", 74);
    /* A later IDAW off a block boundary is a program check. */
    idaw[7] = 0x10;
    cr_assert_eq(io->start_io(css, 0x00c, false, PSA), 0);
    take_interrupt(0x00c);
    cr_assert_eq(CSW_CHAN(csw()), PROGC);
}

Test(channel, bad_device_properties_fail_cleanly)
{
    Device *d = device_create(&M, "3505");
    char err[128];
    cr_assert(device_set_prop(d, "devno", "00c", err, sizeof err));
    cr_assert(device_set_prop(d, "file", "/nonexistent/deck", err, sizeof err));
    cr_assert_not(device_realize(d));
    d = device_create(&M, "1403");
    cr_assert(device_set_prop(d, "devno", "xyz", err, sizeof err));
    cr_assert(device_set_prop(d, "file", path("p.txt"), err, sizeof err));
    cr_assert_not(device_realize(d));
    d = device_create(&M, "3505");
    cr_assert(device_set_prop(d, "devno", "00c", err, sizeof err));
    cr_assert(device_set_prop(d, "format", "bcd", err, sizeof err));
    cr_assert_not(device_realize(d));
    console_chardev("con.txt", "con12");
    unit("3215", "devno=009,chardev=con12");
    d = device_create(&M, "1052");
    cr_assert(device_set_prop(d, "devno", "009", err, sizeof err));
    cr_assert_not(device_realize(d), "device number in use");
}

/* ---------------------------------------------------------------- */
/* ESA/390                                                          */

TestSuite(channel_esa, .init = setup390, .fini = teardown);

static void orb(uint8_t *o, uint32_t intparm, uint32_t word1, uint32_t ccw)
{
    memset(o, 0, 32);
    for (int i = 0; i < 4; i++) {
        o[i] = (uint8_t)(intparm >> (24 - 8 * i));
        o[4 + i] = (uint8_t)(word1 >> (24 - 8 * i));
        o[8 + i] = (uint8_t)(ccw >> (24 - 8 * i));
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void enable(uint16_t schid, uint8_t isc, uint32_t intparm)
{
    uint8_t schib[52];
    cr_assert_eq(io->store_subchannel(css, schid, schib), 0);
    schib[0] = (uint8_t)(intparm >> 24), schib[1] = (uint8_t)(intparm >> 16);
    schib[2] = (uint8_t)(intparm >> 8), schib[3] = (uint8_t)intparm;
    schib[4] = (uint8_t)(isc << 3);
    schib[5] |= 0x80;
    cr_assert_eq(io->modify_subchannel(css, schid, schib), 0);
}

Test(channel_esa, stsch_msch_ssch_tsch)
{
    console_chardev("con.txt", "esa1");
    unit("3215", "devno=009,chardev=esa1");
    write_file("deck.txt", "CARD\n", 5);
    reader("00c", "deck.txt", "format=ascii");
    uint8_t schib[52], o[32], irb[96];
    cr_assert_eq(io->store_subchannel(css, 1, schib), 0);
    cr_assert_eq(be32(schib + 4) & 0xffff, 0x000c, "device number");
    cr_assert_eq(schib[5] & 0x81, 0x01, "valid, not enabled");
    cr_assert_eq(io->store_subchannel(css, 2, schib), 3);
    /* Disabled: SSCH cc 3.  Reserved PMCW bits: operand exception. */
    orb(o, 0x12345678, 0, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 3);
    cr_assert_eq(io->store_subchannel(css, 0, schib), 0);
    schib[4] |= 0x40;
    cr_assert_eq(io->modify_subchannel(css, 0, schib), CHANNEL_OPERAND_EXCEPTION);
    enable(0, 3, 0xaaaa);
    /* Format-1 CCWs: write with data chaining. */
    ebcdic(0x1000, "ESA");
    ebcdic(0x1100, "/390");
    ccw1(0x800, 0x09, 0x80, 3, 0x1000);
    ccw1(0x808, 0x09, 0x00, 4, 0x1100);
    orb(o, 0x12345678, 0x00800000 | 0xff00, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(line_level, 1);
    uint32_t code[2];
    cr_assert_not(io->esa_interrupt(css, 0x80, code), "ISC 3 is not enabled by 0x80");
    cr_assert(io->esa_interrupt(css, 0x10, code));
    cr_assert_eq(code[0], 0x00010000);
    cr_assert_eq(code[1], 0x12345678);
    cr_assert_eq(line_level, 0);
    /* The status stays pending for TSCH. */
    cr_assert_eq(io->start_subchannel(css, 0, o), 1);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    uint32_t w0 = be32(irb);
    cr_assert_eq(w0 & 0x7000, 0x4000, "start function");
    cr_assert_eq(w0 & 0x1f, 0x07, "primary, secondary, status pending");
    cr_assert_eq((w0 >> 24) & 3, 0, "no deferred condition code");
    cr_assert_eq(w0 & 0x00800000, 0x00800000, "format 1");
    cr_assert_eq(be32(irb + 4), 0x810);
    cr_assert_eq(irb[8], CE_DE);
    cr_assert_eq(irb[9], 0);
    cr_assert_str_eq(read_back("con.txt"), "ESA/390\n");
    cr_assert_eq(io->test_subchannel(css, 0, irb), 1);
    cr_assert_eq(be32(irb) & 0x7fff, 0, "idle");
    /* Reserved ORB bits: operand exception. */
    orb(o, 0, 0x01000000, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), CHANNEL_OPERAND_EXCEPTION);
}

Test(channel_esa, immediate_status_gives_deferred_cc1)
{
    console_chardev("con.txt", "esa2");
    unit("3215", "devno=009,chardev=esa2");
    enable(0, 0, 1);
    uint8_t o[32], irb[96];
    ccw0(0x800, 0x03, 0, 0, 1);
    orb(o, 7, 0, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq((be32(irb) >> 24) & 3, 1);
    cr_assert_eq(irb[8], CE_DE);
    /* A format-1 immediate command with a count and no SLI: IL. */
    ccw1(0x800, 0x03, 0, 1, 0);
    orb(o, 7, 0x00800000, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(irb[9], IL);
    cr_assert_eq(be32(irb) & 0x10, 0x10, "alert status");
}

Test(channel_esa, halt_clear_and_read_wait)
{
    Chardev *c = console_chardev("con.txt", "esa3");
    unit("3215", "devno=009,chardev=esa3");
    enable(0, 0, 1);
    uint8_t o[32], irb[96];
    ccw0(0x800, 0x0a, 0x1000, 0x20, 10);
    orb(o, 9, 0, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 1);
    cr_assert_eq((be32(irb) >> 5) & 0x06, 0x06, "subchannel and device active");
    cr_assert_eq(io->start_subchannel(css, 0, o), 2);
    cr_assert_eq(io->cancel_subchannel(css, 0), 2);
    cr_assert_eq(io->halt_subchannel(css, 0), 0);
    cr_assert_eq(io->halt_subchannel(css, 0), 1);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(be32(irb) & 0x7000, 0x6000, "start and halt");
    chardev_input(c, (const uint8_t *)"late\r", 5);
    /* the line arrived with nothing reading it: attention */
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(irb[8], ATTN);
    cr_assert_eq(be32(irb) & 0x1f, 0x11, "alert, status pending");
    /* CSCH: clear function, status pending. */
    cr_assert_eq(io->clear_subchannel(css, 0), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(be32(irb) & 0x7000, 0x1000);
    cr_assert_eq(io->clear_subchannel(css, 5), 3);
}

Test(channel_esa, suspend_and_resume)
{
    console_chardev("con.txt", "esa4");
    unit("3215", "devno=009,chardev=esa4");
    enable(0, 0, 1);
    uint8_t o[32], irb[96];
    ebcdic(0x1000, "AB");
    ccw1(0x800, 0x01, 0x40, 1, 0x1000);
    ccw1(0x808, 0x01, 0x02, 1, 0x1001); /* suspend here */
    orb(o, 1, 0x08800000, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(be32(irb) & 0x1f, 0x09, "intermediate status pending: %08x %02x", be32(irb),
                 irb[9]);
    cr_assert_eq((be32(irb) >> 5) & 0x7f, 0x01, "suspended");
    cr_assert_str_eq(read_back("con.txt"), "A");
    mem(0x809)[0] = 0x00; /* clear the suspend flag */
    cr_assert_eq(io->resume_subchannel(css, 0), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(be32(irb) & 0x1f, 0x07);
    cr_assert_str_eq(read_back("con.txt"), "AB");
    cr_assert_eq(io->resume_subchannel(css, 0), 2);
    /* Without the ORB's S bit the suspend flag is a program check. */
    mem(0x809)[0] = 0x02;
    orb(o, 1, 0x00800000, 0x800);
    cr_assert_eq(io->start_subchannel(css, 0, o), 0);
    cr_assert_eq(io->test_subchannel(css, 0, irb), 0);
    cr_assert_eq(irb[9], PROGC);
}

Test(channel_esa, ipl_stores_the_subsystem_id)
{
    console_chardev("con.txt", "esa5");
    unit("3215", "devno=009,chardev=esa5");
    uint8_t card[80];
    memset(card, 0, sizeof card);
    static const uint8_t head[16] = {0x00, 0x08, 0x00, 0x00, 0x80, 0x00, 0x04, 0x00,
                                     0x03, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x01};
    memcpy(card, head, sizeof head);
    write_file("ipl.bin", card, sizeof card);
    reader("00c", "ipl.bin", "");
    memset(mem(184), 0xff, 8);
    char err[160];
    cr_assert(channel_ipl(css, 0x00c, err, sizeof err), "%s", err);
    cr_assert_eq(be32(mem(184)), 0x00010001);
    cr_assert_eq(be32(mem(188)), 0);
    uint8_t irb[96];
    cr_assert_eq(io->test_subchannel(css, 1, irb), 1, "nothing pending after IPL");
}
