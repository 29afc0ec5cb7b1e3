/*
 * gdb_packet: the gdb remote protocol's packet layer (GDB manual, E.1
 * Overview) — checksums, '}' escapes, '*' run-length encoding in both
 * directions, acks, overlong packets, Ctrl-C between packets, any split
 * of the input, and the hex helpers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/gdb_packet.h"

/* "$body#cs" with the right checksum (or a wrong one). */
static size_t frame_text(char *out, size_t cap, const char *body, size_t len, bool bad_csum)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + (uint8_t)body[i]);
    if (bad_csum) sum ^= 0x5a;
    cr_assert(len + 5 <= cap);
    out[0] = '$';
    memcpy(out + 1, body, len);
    snprintf(out + 1 + len, cap - 1 - len, "#%02x", sum);
    return len + 4;
}

typedef struct Events {
    GdbInputEvent ev[16];
    char data[16][GDB_PACKET_MAX + 1];
    size_t len[16];
    int n;
} Events;

/* Feed buf in chunks of step bytes; collect the events. */
static void feed(GdbPacketReader *rd, const void *buf, size_t len, size_t step, Events *out)
{
    const uint8_t *p = buf;
    memset(out, 0, sizeof *out);
    while (len > 0) {
        size_t chunk = len < step ? len : step;
        while (chunk > 0) {
            GdbInputEvent ev;
            size_t n = gdb_reader_push(rd, p, chunk, &ev);
            cr_assert(n > 0 && n <= chunk);
            p += n, len -= n, chunk -= n;
            if (ev == GDB_INPUT_NONE) continue;
            cr_assert(out->n < 16);
            out->ev[out->n] = ev;
            out->len[out->n] = rd->len;
            memcpy(out->data[out->n], rd->data, rd->len + 1);
            out->n++;
        }
    }
}

static void feed_str(GdbPacketReader *rd, const char *s, Events *out)
{
    feed(rd, s, strlen(s), strlen(s) + 1, out);
}

Test(gdb_packet, good_and_bad_checksums)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    feed_str(&rd, "$g#67", &e);
    cr_assert_eq(e.n, 1);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_str_eq(e.data[0], "g");
    feed_str(&rd, "$g#68", &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
    cr_assert_eq(e.len[0], 0);
    feed_str(&rd, "$g#6z", &e); /* not hex */
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
    /* Upper-case checksum digits are hex too. */
    char buf[64];
    size_t n = frame_text(buf, sizeof buf, "qSupported:swbreak+", 19, false);
    for (size_t i = n - 2; i < n; i++)
        if (buf[i] >= 'a') buf[i] = (char)(buf[i] - 32);
    feed(&rd, buf, n, n, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_str_eq(e.data[0], "qSupported:swbreak+");
}

Test(gdb_packet, acks_and_noise_between_packets)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    feed_str(&rd, "+xyz+-$?#3f", &e);
    cr_assert_eq(e.n, 2);
    cr_assert_eq(e.ev[0], GDB_INPUT_NACK);
    cr_assert_eq(e.ev[1], GDB_INPUT_PACKET);
    cr_assert_str_eq(e.data[1], "?");
}

Test(gdb_packet, ctrl_c_only_between_packets)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    char buf[64] = "\x03";
    size_t n = 1 + frame_text(buf + 1, sizeof buf - 1, "X0,1:\x03", 6, false);
    feed(&rd, buf, n, 1, &e);
    cr_assert_eq(e.n, 2);
    cr_assert_eq(e.ev[0], GDB_INPUT_INTERRUPT);
    cr_assert_eq(e.ev[1], GDB_INPUT_PACKET);
    cr_assert_eq(e.len[1], 6);
    cr_assert_eq(e.data[1][5], 0x03); /* inside a packet it is data */
}

Test(gdb_packet, escapes)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    /* '}' then c ^ 0x20: "#" "$" "}" "*" and a NUL byte. */
    static const char body[] = "X0,5:}\x03}\x04}]}\x0a}\x20";
    char buf[64];
    size_t n = frame_text(buf, sizeof buf, body, sizeof body - 1, false);
    feed(&rd, buf, n, 3, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_eq(e.len[0], 10);
    cr_assert_eq(memcmp(e.data[0], "X0,5:#$}*\0", 10), 0);
}

Test(gdb_packet, run_length_input)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    char buf[64];
    size_t n = frame_text(buf, sizeof buf, "0* 1*!", 6, false); /* ' ' = 3 more, '!' = 4 */
    feed(&rd, buf, n, 1, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_str_eq(e.data[0], "000011111");
    /* A repeat with nothing before it, or a count under 3, is malformed. */
    n = frame_text(buf, sizeof buf, "*0", 2, false);
    feed(&rd, buf, n, n, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
    n = frame_text(buf, sizeof buf, "a*\x1f", 3, false);
    feed(&rd, buf, n, n, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
}

Test(gdb_packet, overlong_packets_are_dropped)
{
    static char body[GDB_PACKET_MAX + 2], buf[GDB_PACKET_MAX + 16];
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    memset(body, 'a', sizeof body);
    size_t n = frame_text(buf, sizeof buf, body, GDB_PACKET_MAX, false);
    feed(&rd, buf, n, 100, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET, "exactly PacketSize is accepted");
    cr_assert_eq(e.len[0], GDB_PACKET_MAX);
    n = frame_text(buf, sizeof buf, body, GDB_PACKET_MAX + 1, false);
    feed(&rd, buf, n, 100, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
    cr_assert_eq(rd.len, 0);
    /* Run-length expansion past the limit: 98 copies a pair, 50 pairs. */
    char rle[256];
    size_t k = 0;
    for (int i = 0; i < 50; i++)
        rle[k++] = 'a', rle[k++] = '*', rle[k++] = '~';
    n = frame_text(buf, sizeof buf, rle, k, false);
    feed(&rd, buf, n, n, &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_BAD);
    /* And the reader works after both. */
    feed_str(&rd, "$g#67", &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
}

Test(gdb_packet, no_ack_mode_skips_the_checksum)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    rd.no_ack = true;
    Events e;
    feed_str(&rd, "$g#00", &e);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_str_eq(e.data[0], "g");
}

Test(gdb_packet, dollar_restarts_a_packet)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    feed_str(&rd, "$m0,4$g#67", &e);
    cr_assert_eq(e.n, 1);
    cr_assert_str_eq(e.data[0], "g");
}

/* What gdb_frame makes, read back by the reader. */
static void round_trip(const void *data, size_t len, bool binary)
{
    static uint8_t out[GDB_FRAME_MAX];
    size_t n = gdb_frame(data, len, binary, out, sizeof out);
    cr_assert(n >= 4);
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    Events e;
    feed(&rd, out, n, 7, &e);
    cr_assert_eq(e.n, 1);
    cr_assert_eq(e.ev[0], GDB_INPUT_PACKET);
    cr_assert_eq(e.len[0], len);
    cr_assert_eq(memcmp(e.data[0], data, len), 0);
}

Test(gdb_packet, frame_output)
{
    uint8_t out[GDB_FRAME_MAX];
    size_t n = gdb_frame((const uint8_t *)"OK", 2, false, out, sizeof out);
    cr_assert_eq(n, 6);
    cr_assert_eq(memcmp(out, "$OK#9a", 6), 0);
    /* Runs of four or more are run-length encoded ("0*" + (3 + 29)). */
    n = gdb_frame((const uint8_t *)"0000", 4, false, out, sizeof out);
    cr_assert_eq(memcmp(out, "$0* #", 5), 0, "got %.*s", (int)n, out);
    /* Counts that would be '#' or '$' are avoided. */
    round_trip("xxxxxxxx", 8, false); /* 7 more: '$' */
    round_trip("yyyyyyy", 7, false);  /* 6 more: '#' */
    static uint8_t zeros[600];
    memset(zeros, '0', sizeof zeros);
    round_trip(zeros, sizeof zeros, false);
    /* Binary: the four special bytes are escaped, nothing else. */
    n = gdb_frame((const uint8_t *)"l#$}*\x00", 6, true, out, sizeof out);
    cr_assert_eq(memcmp(out, "$l}\x03}\x04}]}\x0a\x00#", 12), 0);
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    round_trip(all, sizeof all, true);
    /* Too long for one packet. */
    static uint8_t big[GDB_PACKET_MAX + 1];
    cr_assert_eq(gdb_frame(big, sizeof big, false, out, sizeof out), 0);
}

Test(gdb_packet, hex_helpers)
{
    uint8_t bytes[4];
    char text[9] = {0};
    cr_assert(gdb_hex_decode("DEADbeef", 4, bytes));
    gdb_hex_encode(bytes, 4, text);
    cr_assert_str_eq(text, "deadbeef");
    cr_assert_not(gdb_hex_decode("12g4", 2, bytes));
    const char *p = "1f,rest";
    uint64_t v;
    cr_assert(gdb_parse_hex(&p, &v));
    cr_assert_eq(v, 0x1f);
    cr_assert_str_eq(p, ",rest");
    p = ",x";
    cr_assert_not(gdb_parse_hex(&p, &v));
    p = "ffffffffffffffff";
    cr_assert(gdb_parse_hex(&p, &v));
    cr_assert_eq(v, UINT64_MAX);
    p = "10000000000000000"; /* 2^64 */
    cr_assert_not(gdb_parse_hex(&p, &v));
    cr_assert_eq(gdb_hex_digit('G'), -1);
}
