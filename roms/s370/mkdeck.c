/*
 * s370-mkdeck: make an IPL-able card deck (80-byte EBCDIC card images)
 * from a flat binary, for doppel's card reader and Hercules' alike.
 *
 *   s370-mkdeck [-a LOADADDR] [-p PSW16HEX] [-e ENTRY] in.bin out.deck
 *
 * Card 1 is read by the IPL READ (PoO-370 §4 "Initial Program Loading")
 * into absolute 0: the IPL PSW, then two CCWs that read the next card (a
 * card of CCWs) to LOADER and branch (TIC) to it.  Each CCW card holds up
 * to eight data-card READs, a READ of the next CCW card back over itself,
 * and a TIC to its own start that the next card brings; the last CCW card
 * ends the chain on its last data READ.  The data cards hold the program.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CARD       80
#define LOADER     0x300u /* where the CCW cards are read */
#define DATA_READS 8

static void put_ccw(uint8_t *p, uint8_t cmd, uint32_t addr, uint8_t flags, uint16_t count)
{
    /* Format-0 CCW: command, 24-bit address, flags, zero, count. */
    p[0] = cmd;
    p[1] = (uint8_t)(addr >> 16);
    p[2] = (uint8_t)(addr >> 8);
    p[3] = (uint8_t)addr;
    p[4] = flags;
    p[5] = 0;
    p[6] = (uint8_t)(count >> 8);
    p[7] = (uint8_t)count;
}

enum { CCW_READ = 0x02, CCW_TIC = 0x08, CC = 0x40, SLI = 0x20 };

static int usage(void)
{
    fprintf(stderr, "usage: s370-mkdeck [-a LOADADDR] [-e ENTRY] [-p PSW] in.bin out.deck\n"
                    "  LOADADDR, ENTRY: hex (default 400, entry = load address)\n"
                    "  PSW: 16 hex digits of the IPL PSW; its address part is replaced by\n"
                    "       ENTRY (default 0008000000000000: S/370 EC mode, disabled)\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint32_t load = 0x400, entry = 0;
    bool have_entry = false;
    uint64_t psw = 0x0008000000000000ull;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        char *end;
        unsigned long long v = strtoull(argv[i + 1], &end, 16);
        if (*end) return usage();
        if (!strcmp(argv[i], "-a"))
            load = (uint32_t)v;
        else if (!strcmp(argv[i], "-e"))
            entry = (uint32_t)v, have_entry = true;
        else if (!strcmp(argv[i], "-p"))
            psw = v;
        else
            return usage();
    }
    if (argc - i != 2) return usage();
    if (!have_entry) entry = load;
    if (load < LOADER + CARD || load > 0xffffff) {
        fprintf(stderr, "s370-mkdeck: load address %x must lie above %x and below 16 MiB\n", load,
                LOADER + CARD);
        return 1;
    }
    FILE *in = fopen(argv[i], "rb");
    if (!in) {
        fprintf(stderr, "s370-mkdeck: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    uint8_t *prog = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *p = realloc(prog, cap);
            if (!p) return fclose(in), free(prog), 1;
            prog = p;
        }
        size_t n = fread(prog + len, 1, cap - len, in);
        len += n;
        if (n == 0) break;
    }
    fclose(in);
    size_t ncards = (len + CARD - 1) / CARD;
    if (ncards == 0) ncards = 1;

    FILE *out = fopen(argv[i + 1], "wb");
    if (!out) {
        fprintf(stderr, "s370-mkdeck: %s: %s\n", argv[i + 1], strerror(errno));
        free(prog);
        return 1;
    }
    uint8_t card[CARD];
    /* Card 1: IPL PSW, READ the first CCW card to LOADER, TIC to it. */
    memset(card, 0x40, CARD); /* EBCDIC blanks */
    uint64_t w = (psw & ~0x7fffffffull) | (entry & 0x7fffffffu);
    if (!(psw & 0x80000000ull)) w = (psw & ~0xffffffull) | (entry & 0xffffffu);
    for (int b = 0; b < 8; b++)
        card[b] = (uint8_t)(w >> (56 - 8 * b));
    put_ccw(card + 8, CCW_READ, LOADER, CC | SLI, CARD);
    put_ccw(card + 16, CCW_TIC, LOADER, 0, 1);
    fwrite(card, 1, CARD, out);

    /* CCW cards, each followed by its data cards. */
    size_t done = 0;
    while (done < ncards) {
        size_t n = ncards - done < DATA_READS ? ncards - done : DATA_READS;
        bool last = done + n == ncards;
        memset(card, 0, CARD);
        for (size_t k = 0; k < n; k++) {
            uint8_t flags = SLI | ((k + 1 < n || !last) ? CC : 0);
            put_ccw(card + 8 * k, CCW_READ, load + (uint32_t)((done + k) * CARD), flags, CARD);
        }
        if (!last) {
            /* Read the next CCW card over this one; the channel then
             * fetches the CCW after it, which that card holds: a TIC back
             * to its start. */
            put_ccw(card + 8 * DATA_READS, CCW_READ, LOADER, CC | SLI, CARD);
        }
        put_ccw(card + 8 * (DATA_READS + 1), CCW_TIC, LOADER, 0, 1);
        fwrite(card, 1, CARD, out);
        for (size_t k = 0; k < n; k++) {
            memset(card, 0, CARD);
            size_t off = (done + k) * CARD;
            if (off < len) memcpy(card, prog + off, len - off < CARD ? len - off : CARD);
            fwrite(card, 1, CARD, out);
        }
        done += n;
    }
    free(prog);
    if (fclose(out) != 0) {
        fprintf(stderr, "s370-mkdeck: %s: %s\n", argv[i + 1], strerror(errno));
        return 1;
    }
    return 0;
}
