/*
 * EBCDIC code page 037 (US/Canada) for the unit-record devices: the
 * bijective mapping to ISO 8859-1, and a printable 7-bit ASCII rendering
 * for consoles, printers and text decks.
 */
#ifndef DOPPEL_EBCDIC_H
#define DOPPEL_EBCDIC_H

#include <stddef.h>
#include <stdint.h>

#define EBCDIC_BLANK 0x40

extern const uint8_t ebcdic037_to_latin1[256];
extern const uint8_t latin1_to_ebcdic037[256];

/* One host character (ASCII / Latin-1 byte) as EBCDIC. */
static inline uint8_t ascii_to_ebcdic(uint8_t c)
{
    return latin1_to_ebcdic037[c];
}

/* One EBCDIC byte as printable 7-bit ASCII: controls become '.', binary
 * zero a blank, and the few Latin-1 letters of code page 037 that IBM
 * software uses as operators their customary ASCII stand-ins (cent sign
 * '[', not sign '^', broken bar '|'). */
char ebcdic_to_printable(uint8_t e);

/* Translate in place. */
void ascii_to_ebcdic_buf(uint8_t *buf, size_t len);

#endif
