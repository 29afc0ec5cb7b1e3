/*
 * libFuzzer target for the gdb packet layer (core/gdb_packet.c): the
 * input is split at points the data itself chooses and fed to the
 * reader; every packet it decodes must fit PacketSize, be NUL-terminated,
 * and survive a round trip through the output framing.
 *   bash scripts/fuzz.sh   (builds with clang -fsanitize=fuzzer)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdb_packet.h"

static void check_round_trip(const GdbPacketReader *rd)
{
    static uint8_t frame[GDB_FRAME_MAX];
    /* Text replies carry no '$', '#', '}' or '*' (gdb only unescapes
     * binary ones), so only binary framing takes any data. */
    bool text_ok = true;
    for (size_t i = 0; i < rd->len; i++)
        text_ok &= !strchr("$#}*", rd->data[i]) || !rd->data[i];
    for (int binary = !text_ok; binary < 2; binary++) {
        size_t n = gdb_frame((const uint8_t *)rd->data, rd->len, binary, frame, sizeof frame);
        if (n < 4 || n > GDB_FRAME_MAX) abort();
        GdbPacketReader back;
        gdb_reader_init(&back);
        GdbInputEvent ev = GDB_INPUT_NONE;
        size_t used = gdb_reader_push(&back, frame, n, &ev);
        if (used != n || ev != GDB_INPUT_PACKET || back.len != rd->len ||
            memcmp(back.data, rd->data, rd->len) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GdbPacketReader rd;
    gdb_reader_init(&rd);
    /* The first byte picks the no-ack mode and the chunk size. */
    size_t step = 1;
    if (size > 0) {
        rd.no_ack = data[0] & 0x80;
        step = (data[0] & 0x7f) + 1u;
        data++, size--;
    }
    while (size > 0) {
        size_t chunk = size < step ? size : step;
        GdbInputEvent ev;
        size_t n = gdb_reader_push(&rd, data, chunk, &ev);
        if (n == 0 || n > chunk) abort();
        if (ev == GDB_INPUT_NONE && n != chunk) abort();
        if (rd.len > GDB_PACKET_MAX || rd.data[rd.len] != '\0') abort();
        if (ev == GDB_INPUT_PACKET) check_round_trip(&rd);
        if (ev == GDB_INPUT_BAD && rd.len != 0) abort();
        data += n, size -= n;
    }
    return 0;
}
