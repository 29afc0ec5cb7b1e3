/*
 * Known QEMU deviations from the SDM (KNOWN.md): each rule explains a
 * difference in exactly one kind of field for exactly one kind of
 * sequence, so that anything else in the same sequence still counts.
 * The table is empty until a deviation is confirmed against the manual.
 */
#include <string.h>

#include "diff.h"

/* The mnemonic as a whole word of an instruction line, prefixes
 * included ("movsw" matches "rep movsw"). */
bool seq_has_insn(const MapSeq *s, const char *mnemonic)
{
    size_t n = strlen(mnemonic);
    for (unsigned i = 0; i < s->nlines; i++) {
        if (s->lines[i].role != 't') continue;
        const char *t = s->lines[i].text;
        for (const char *p = strstr(t, mnemonic); p; p = strstr(p + 1, mnemonic))
            if ((p == t || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    }
    return false;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* KNOWN.md "FDP with 16-bit addressing": QEMU keeps the 32-bit sum of the
 * address registers; the pointer is the 16-bit offset. */
static bool fdp_a16(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)s;
    if (f != F_FPTR || i != 5) return false;
    uint32_t dp = le32(d->fpu + FS_FDP), qp = le32(q->fpu + FS_FDP);
    return dp <= 0xffff && (qp & 0xffff) == dp;
}

/* KNOWN.md "FCOMI leaves OF SF AF": the SDM clears them; QEMU keeps them. */
static bool fcomi_flags(const MapSeq *s, Field f, unsigned i, const Dump *d, const Dump *q)
{
    (void)q;
    if (f != F_EFLAGS || !(i == 11 || i == 7 || i == 4) || (d->regs[8] >> i & 1)) return false;
    return seq_has_insn(s, "fcomi") || seq_has_insn(s, "fcomip") || seq_has_insn(s, "fucomi") ||
           seq_has_insn(s, "fucomip");
}

static const Known known_cases[] = {
    {"FDP with 16-bit addressing", fdp_a16},
    {"FCOMI leaves OF SF AF", fcomi_flags},
    {NULL, NULL},
};

const Known *known_case(const MapSeq *s, Field f, unsigned i, const Dump *doppel, const Dump *qemu)
{
    for (const Known *k = known_cases; k->name; k++)
        if (k->explains(s, f, i, doppel, qemu)) return k;
    return NULL;
}
