/*
 * The gdb remote protocol's packet layer (GDB manual, Appendix E.1
 * Overview): framing "$data#cs", the two-digit checksum, '+'/'-' acks,
 * '}' escapes, '*' run-length encoding, and Ctrl-C (0x03) between
 * packets.  No machine state, so it can be fuzzed on its own
 * (tests/fuzz/fuzz_gdb_packet.c).
 *
 * Input is a push parser: feed bytes as they arrive, in any split; each
 * call stops at the first complete event and says how much it consumed.
 *
 *     GdbPacketReader rd;
 *     gdb_reader_init(&rd);
 *     while (len) {
 *         GdbInputEvent ev;
 *         size_t n = gdb_reader_push(&rd, buf, len, &ev);
 *         buf += n, len -= n;
 *         if (ev == GDB_INPUT_PACKET) ...rd.data, rd.len (ack with '+')...
 *     }
 */
#ifndef DOPPEL_GDB_PACKET_H
#define DOPPEL_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet we accept: qSupported's PacketSize.  Both the data
 * characters as sent and the data after escapes and run-length expansion
 * are bounded by it; a longer packet is dropped (acked with '-'). */
#define GDB_PACKET_MAX 4096

/* Room for one framed output packet of GDB_PACKET_MAX data bytes, every
 * byte escaped: "$" 2*max "#xx". */
#define GDB_FRAME_MAX (2 * GDB_PACKET_MAX + 4)

typedef enum GdbInputEvent {
    GDB_INPUT_NONE,      /* everything consumed, no event yet */
    GDB_INPUT_PACKET,    /* a good packet in data/len: ack '+' (unless no-ack) */
    GDB_INPUT_BAD,       /* bad checksum or overlong: ack '-' (unless no-ack) */
    GDB_INPUT_INTERRUPT, /* Ctrl-C between packets */
    GDB_INPUT_NACK,      /* gdb's '-': send the last packet again */
} GdbInputEvent;

typedef enum GdbReaderState {
    GDB_RD_IDLE,
    GDB_RD_BODY,
    GDB_RD_CSUM1,
    GDB_RD_CSUM2,
} GdbReaderState;

typedef struct GdbPacketReader {
    GdbReaderState state;
    /* No-ack mode (QStartNoAckMode): checksums are not verified, since
     * the transport is reliable and gdb expects no '-' (GDB manual, E.11
     * Packet Acknowledgment). */
    bool no_ack;
    bool escape;   /* '}' seen: the next byte is XOR 0x20 */
    bool repeat;   /* '*' seen: the next byte is a repeat count */
    bool overflow; /* over GDB_PACKET_MAX or malformed: drop at '#xx' */
    uint8_t csum;  /* running sum of the data characters */
    uint8_t csum_hi;
    size_t raw_len; /* data characters as sent */
    /* The decoded packet, NUL-terminated (binary packets such as X may
     * hold NULs too: use len). */
    size_t len;
    char data[GDB_PACKET_MAX + 1];
} GdbPacketReader;

void gdb_reader_init(GdbPacketReader *rd);
/* Consume bytes up to and including the first event (*ev), or all of
 * them (*ev = GDB_INPUT_NONE).  Returns the count consumed (> 0 when
 * len > 0). */
size_t gdb_reader_push(GdbPacketReader *rd, const uint8_t *buf, size_t len, GdbInputEvent *ev);

/* Frame data as "$...#cs" into out (at least GDB_FRAME_MAX bytes for len
 * up to GDB_PACKET_MAX); returns the framed length, or 0 when len is over
 * GDB_PACKET_MAX.  binary: escape '$', '#', '}' and '*' (qXfer replies,
 * GDB manual E.1 "binary data"); otherwise runs of four or more equal
 * characters are run-length encoded. */
size_t gdb_frame(const uint8_t *data, size_t len, bool binary, uint8_t *out, size_t outcap);

/* ---- hex helpers ---- */

/* Value of a hex digit, or -1. */
int gdb_hex_digit(int c);
/* 2 * len hex digits (lower case), no NUL. */
void gdb_hex_encode(const uint8_t *in, size_t len, char *out);
/* len bytes from 2 * len hex digits; false on a non-hex digit. */
bool gdb_hex_decode(const char *in, size_t len, uint8_t *out);
/* A hex number at *p (at least one digit, at most 64 bits); advances *p
 * past it.  False, *p unchanged, when there is none or it overflows. */
bool gdb_parse_hex(const char **p, uint64_t *v);

#endif
