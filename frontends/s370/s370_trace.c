/*
 * -d int for the S/370 family: the names of interruption codes as the
 * Principles of Operation give them (PoO-370 §6 and PoO-390 §6,
 * "Program-Interruption Conditions" and "External Interruption"), so a
 * trace line says "protection" rather than 0004.
 */
#include "frontends/s370/s370_internal.h"

static const char *const s370_program_names[0x41] = {
    [0x01] = "operation",
    [0x02] = "privileged-operation",
    [0x03] = "execute",
    [0x04] = "protection",
    [0x05] = "addressing",
    [0x06] = "specification",
    [0x07] = "data",
    [0x08] = "fixed-point-overflow",
    [0x09] = "fixed-point-divide",
    [0x0a] = "decimal-overflow",
    [0x0b] = "decimal-divide",
    [0x0c] = "exponent-overflow",
    [0x0d] = "exponent-underflow",
    [0x0e] = "significance",
    [0x0f] = "floating-point-divide",
    [0x10] = "segment-translation",
    [0x11] = "page-translation",
    [0x12] = "translation-specification",
    [0x13] = "special-operation",
    [0x15] = "operand",
    [0x16] = "trace-table",
    [0x17] = "ASN-translation-specification",
    [0x1c] = "space-switch event",
    [0x1d] = "square-root",
    [0x1f] = "PC-translation-specification",
    [0x20] = "AFX-translation",
    [0x21] = "ASX-translation",
    [0x22] = "LX-translation",
    [0x23] = "EX-translation",
    [0x24] = "primary-authority",
    [0x25] = "secondary-authority",
    [0x28] = "ALET-specification",
    [0x29] = "ALEN-translation",
    [0x2a] = "ALE-sequence",
    [0x2b] = "ASTE-validity",
    [0x2c] = "ASTE-sequence",
    [0x2d] = "extended-authority",
    [0x30] = "stack-full",
    [0x31] = "stack-empty",
    [0x32] = "stack-specification",
    [0x33] = "stack-type",
    [0x34] = "stack-operation",
    [0x40] = "monitor event",
};

const char *s370_program_interruption_name(uint16_t code)
{
    /* Bit 8 (0x80) flags a PER event together with the condition. */
    unsigned c = code & 0x7f;
    if (c == 0 && (code & 0x80)) return "PER event";
    const char *n =
        c < sizeof s370_program_names / sizeof s370_program_names[0] ? s370_program_names[c] : NULL;
    return n ? n : "unassigned";
}

const char *s370_external_interruption_name(uint16_t code)
{
    static const struct {
        uint16_t code;
        const char *name;
    } names[] = {
        {0x0040, "interrupt key"},  {0x0080, "interval timer"},   {0x1004, "clock comparator"},
        {0x1005, "CPU timer"},      {0x1201, "emergency signal"}, {0x1202, "external call"},
        {0x2401, "service signal"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code) return names[i].name;
    return "unassigned";
}
