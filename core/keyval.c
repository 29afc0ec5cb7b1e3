/*
 * key=value lists and typed scalars for options and device properties.
 */
#include "core/keyval.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Copy one element of s (up to an unescaped comma) unescaping ",,". */
static char *keyval_take_element(const char **p)
{
    const char *s = *p;
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    while (*s) {
        if (*s == ',') {
            if (s[1] != ',') break;
            s++; /* ",," is a literal comma */
        }
        out[n++] = *s++;
    }
    out[n] = '\0';
    *p = *s == ',' ? s + 1 : s;
    return out;
}

void keyval_split(const char *s, KeyValList *out)
{
    out->items = NULL;
    out->n = 0;
    const char *p = s;
    do { /* a trailing comma ends the list; "" gives one empty element */
        char *elem = keyval_take_element(&p);
        out->items = realloc(out->items, (size_t)(out->n + 1) * sizeof *out->items);
        KeyVal *kv = &out->items[out->n++];
        char *eq = strchr(elem, '=');
        kv->key = elem;
        kv->value = NULL;
        if (eq) {
            *eq = '\0';
            kv->value = strdup(eq + 1);
        }
    } while (*p);
}

void keyval_free(KeyValList *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

const char *keyval_get(const KeyValList *l, const char *key)
{
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].key, key) == 0) return l->items[i].value;
    }
    return NULL;
}

bool parse_bool(const char *s, bool *out)
{
    static const struct {
        const char *word;
        bool value;
    } words[] = {
        {"on", true},  {"off", false}, {"true", true}, {"false", false},
        {"yes", true}, {"no", false},  {"1", true},    {"0", false},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(s, words[i].word) == 0) {
            *out = words[i].value;
            return true;
        }
    }
    return false;
}

static uint64_t suffix_multiplier(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'K': return 1ull << 10;
    case 'M': return 1ull << 20;
    case 'G': return 1ull << 30;
    case 'T': return 1ull << 40;
    default: return 0;
    }
}

/* Shared by parse_u64 and parse_size. */
static bool parse_scaled(const char *s, uint64_t default_unit, bool allow_fraction, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)s[0])) return false;
    uint64_t whole = 0, frac = 0, frac_div = 1;
    const char *p = s;
    bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex) {
        p += 2;
        if (!isxdigit((unsigned char)*p)) return false;
        for (; isxdigit((unsigned char)*p); p++) {
            unsigned d = isdigit((unsigned char)*p)
                             ? (unsigned)(*p - '0')
                             : (unsigned)(toupper((unsigned char)*p) - 'A' + 10);
            if (whole > (UINT64_MAX >> 4)) return false;
            whole = whole << 4 | d;
        }
    } else {
        for (; isdigit((unsigned char)*p); p++) {
            if (whole > (UINT64_MAX - 9) / 10) return false;
            whole = whole * 10 + (uint64_t)(*p - '0');
        }
        if (*p == '.' && allow_fraction) {
            p++;
            if (!isdigit((unsigned char)*p)) return false;
            for (; isdigit((unsigned char)*p); p++) {
                if (frac_div >= 1000000000000ull) continue; /* further digits cannot matter */
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_div *= 10;
            }
        }
    }
    uint64_t unit = default_unit;
    if (*p) {
        unit = suffix_multiplier(*p);
        /* A suffix letter may be followed by "B"/"iB" ("512MB"). */
        if (!unit || !(p[1] == '\0' || strcmp(p + 1, "B") == 0 || strcmp(p + 1, "iB") == 0))
            return false;
    } else if (frac_div > 1) {
        return false; /* "1.5" without a unit is ambiguous */
    }
    if (unit && whole > UINT64_MAX / unit) return false;
    uint64_t value = whole * unit;
    if (frac_div > 1) {
        uint64_t part = (uint64_t)((unsigned __int128)frac * unit / frac_div);
        if (value > UINT64_MAX - part) return false;
        value += part;
    }
    *out = value;
    return true;
}

bool parse_u64(const char *s, uint64_t *out)
{
    return parse_scaled(s, 1, false, out);
}

bool parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
    return parse_scaled(s, default_unit, true, out);
}
