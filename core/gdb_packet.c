/*
 * The gdb remote protocol's packet layer: framing, checksums, escapes,
 * run-length encoding (GDB manual, Appendix E.1 Overview).
 */
#include "core/gdb_packet.h"

#include <string.h>

#define GDB_ESCAPE     '}'
#define GDB_ESCAPE_XOR 0x20
#define GDB_RLE        '*'
#define GDB_CTRL_C     0x03
/* A repeat count character is the count plus 29 (GDB manual E.1: "n" as
 * "n+29"); gdb sends counts of 3 or more, so printable characters. */
#define GDB_RLE_BIAS      29
#define GDB_RLE_MIN_COUNT 3
#define GDB_RLE_MAX_COUNT (126 - GDB_RLE_BIAS)

static const char hex_digits[] = "0123456789abcdef";

int gdb_hex_digit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void gdb_hex_encode(const uint8_t *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
}

bool gdb_hex_decode(const char *in, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi = gdb_hex_digit((unsigned char)in[2 * i]);
        int lo = hi < 0 ? -1 : gdb_hex_digit((unsigned char)in[2 * i + 1]);
        if (lo < 0) return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int d, n = 0;
    while ((d = gdb_hex_digit((unsigned char)*s)) >= 0) {
        if (x >> 60) return false; /* one more digit would overflow */
        x = x << 4 | (uint64_t)d;
        s++, n++;
    }
    if (n == 0) return false;
    *p = s;
    *v = x;
    return true;
}

/* ---- input ---- */

static void reader_start_packet(GdbPacketReader *rd)
{
    rd->state = GDB_RD_BODY;
    rd->escape = rd->repeat = rd->overflow = false;
    rd->csum = 0;
    rd->raw_len = 0;
    rd->len = 0;
    rd->data[0] = '\0';
}

void gdb_reader_init(GdbPacketReader *rd)
{
    memset(rd, 0, sizeof *rd);
    rd->state = GDB_RD_IDLE;
}

static void reader_emit(GdbPacketReader *rd, uint8_t c, size_t count)
{
    if (rd->overflow) return;
    if (count > GDB_PACKET_MAX - rd->len) {
        rd->overflow = true;
        return;
    }
    memset(rd->data + rd->len, c, count);
    rd->len += count;
    rd->data[rd->len] = '\0';
}

/* One data character between '$' and '#'. */
static void reader_body_byte(GdbPacketReader *rd, uint8_t c)
{
    rd->csum = (uint8_t)(rd->csum + c);
    if (++rd->raw_len > GDB_PACKET_MAX) rd->overflow = true;
    if (rd->escape) {
        rd->escape = false;
        reader_emit(rd, c ^ GDB_ESCAPE_XOR, 1);
    } else if (rd->repeat) {
        rd->repeat = false;
        int count = (int)c - GDB_RLE_BIAS;
        if (rd->len == 0 || count < GDB_RLE_MIN_COUNT || count > GDB_RLE_MAX_COUNT)
            rd->overflow = true; /* malformed: dropped like an overlong packet */
        else
            reader_emit(rd, (uint8_t)rd->data[rd->len - 1], (size_t)count);
    } else if (c == GDB_ESCAPE) {
        rd->escape = true;
    } else if (c == GDB_RLE) {
        rd->repeat = true;
    } else {
        reader_emit(rd, c, 1);
    }
}

size_t gdb_reader_push(GdbPacketReader *rd, const uint8_t *buf, size_t len, GdbInputEvent *ev)
{
    *ev = GDB_INPUT_NONE;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        switch (rd->state) {
        case GDB_RD_IDLE:
            if (c == '$') {
                reader_start_packet(rd);
            } else if (c == GDB_CTRL_C) {
                *ev = GDB_INPUT_INTERRUPT;
                return i + 1;
            } else if (c == '-') {
                *ev = GDB_INPUT_NACK;
                return i + 1;
            } /* '+' and noise between packets are ignored */
            break;
        case GDB_RD_BODY:
            if (c == '#') {
                /* gdb never leaves an escape or a count before '#' */
                if (rd->escape || rd->repeat) rd->overflow = true;
                rd->state = GDB_RD_CSUM1;
            } else if (c == '$')
                reader_start_packet(rd); /* a lost '#': resynchronise on the new packet */
            else
                reader_body_byte(rd, c);
            break;
        case GDB_RD_CSUM1:
            if (gdb_hex_digit(c) < 0) rd->overflow = true;
            rd->csum_hi = (uint8_t)(gdb_hex_digit(c) & 15);
            rd->state = GDB_RD_CSUM2;
            break;
        case GDB_RD_CSUM2: {
            int lo = gdb_hex_digit(c);
            bool good = !rd->overflow && lo >= 0 &&
                        (rd->no_ack || (uint8_t)(rd->csum_hi << 4 | lo) == rd->csum);
            rd->state = GDB_RD_IDLE;
            *ev = good ? GDB_INPUT_PACKET : GDB_INPUT_BAD;
            if (!good) {
                rd->len = 0;
                rd->data[0] = '\0';
            }
            return i + 1;
        }
        }
    }
    return len;
}

/* ---- output ---- */

static bool frame_needs_escape(uint8_t c)
{
    return c == '$' || c == '#' || c == GDB_ESCAPE || c == GDB_RLE;
}

/* How many more copies of data[i] follow it (capped for one '*'). */
static size_t frame_run(const uint8_t *data, size_t len, size_t i)
{
    size_t n = 0;
    while (i + 1 + n < len && data[i + 1 + n] == data[i] && n < GDB_RLE_MAX_COUNT)
        n++;
    /* Counts 6 and 7 would be '#' and '$' (GDB manual E.1). */
    while (n + GDB_RLE_BIAS == '#' || n + GDB_RLE_BIAS == '$')
        n--;
    return n;
}

size_t gdb_frame(const uint8_t *data, size_t len, bool binary, uint8_t *out, size_t outcap)
{
    if (len > GDB_PACKET_MAX || outcap < GDB_FRAME_MAX) return 0;
    size_t o = 0;
    uint8_t csum = 0;
    out[o++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (binary && frame_needs_escape(c)) {
            out[o++] = GDB_ESCAPE;
            out[o++] = c ^ GDB_ESCAPE_XOR;
            csum = (uint8_t)(csum + GDB_ESCAPE + (c ^ GDB_ESCAPE_XOR));
            continue;
        }
        out[o++] = c;
        csum = (uint8_t)(csum + c);
        size_t run = binary ? 0 : frame_run(data, len, i);
        if (run >= GDB_RLE_MIN_COUNT) {
            out[o++] = GDB_RLE;
            out[o++] = (uint8_t)(run + GDB_RLE_BIAS);
            csum = (uint8_t)(csum + GDB_RLE + run + GDB_RLE_BIAS);
            i += run;
        }
    }
    out[o++] = '#';
    out[o++] = (uint8_t)hex_digits[csum >> 4];
    out[o++] = (uint8_t)hex_digits[csum & 15];
    return o;
}
