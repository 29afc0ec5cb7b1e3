/*
 * The monitor's memory commands: x (virtual, through the cpu's MMU), xp
 * (physical, through the address space), print, and the address
 * expressions they take.  Formats and output lines are QEMU's
 * (docs/monitor.md): "x/NFU addr" with count N, format F of x d u o c i
 * and unit U of b h w g; omitted parts repeat the last ones (x/1xw at
 * first), and each line is "<address>: <values>".
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cpu_debug.h"
#include "core/machine.h"
#include "core/monitor_internal.h"
#include "softmmu/memory.h"

/* Most bytes one x or xp prints. */
#define MEMORY_DUMP_MAX (64 * 1024)

/* ---- expressions ---- */

typedef struct ExprParser {
    Monitor *mon;
    const char *p;
    char *err;
    size_t errlen;
    bool failed;
} ExprParser;

static bool expr_fail(ExprParser *e, const char *what)
{
    if (!e->failed) snprintf(e->err, e->errlen, "%s", what);
    e->failed = true;
    return false;
}

static void expr_skip_blanks(ExprParser *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

/* The value of register name of cpu by its name in the gdb target
 * description (registers are numbered in document order, regnum=
 * restarting the count), read with ArchOps.gdb_read_reg. */
static bool expr_gdb_register(CPUState *cpu, const char *name, uint64_t *val)
{
    const ArchOps *a = cpu->arch;
    if (!a->gdb_target_xml || !a->gdb_read_reg) return false;
    int num = 0;
    for (const char *p = strstr(a->gdb_target_xml, "<reg "); p; p = strstr(p + 1, "<reg ")) {
        const char *end = strchr(p, '>');
        if (!end) break;
        const char *regnum = strstr(p, " regnum=\"");
        if (regnum && regnum < end) num = atoi(regnum + 9);
        const char *n = strstr(p, " name=\"");
        if (n && n < end) {
            n += 7;
            size_t len = strcspn(n, "\"");
            if (len == strlen(name) && strncasecmp(n, name, len) == 0) {
                uint8_t buf[64];
                int size = a->gdb_read_reg(cpu, buf, num);
                if (size <= 0 || size > 8) return false;
                uint64_t v = 0;
                for (int i = 0; i < size; i++)
                    v |= (uint64_t)buf[a->big_endian ? size - 1 - i : i] << (8 * i);
                *val = v;
                return true;
            }
        }
        num++;
    }
    return false;
}

static bool expr_register(ExprParser *e, uint64_t *val)
{
    char name[32];
    size_t len = 0;
    while ((isalnum((unsigned char)*e->p) || *e->p == '_') && len < sizeof name - 1)
        name[len++] = *e->p++;
    name[len] = '\0';
    if (!len) return expr_fail(e, "expected a register name after '$'");
    Machine *m = e->mon->machine;
    if (m->ncpus == 0) return expr_fail(e, "this machine has no cpu");
    if (e->mon->cpu_index < 0 || e->mon->cpu_index >= m->ncpus) e->mon->cpu_index = 0;
    CPUState *cpu = m->cpus[e->mon->cpu_index];
    if (strcasecmp(name, "pc") == 0) {
        *val = cpu->pc;
        return true;
    }
    if (expr_gdb_register(cpu, name, val)) return true;
    snprintf(e->err, e->errlen, "unknown register '$%s'", name);
    e->failed = true;
    return false;
}

static bool expr_sum(ExprParser *e, uint64_t *val);

static bool expr_primary(ExprParser *e, uint64_t *val)
{
    expr_skip_blanks(e);
    if (*e->p == '(') {
        e->p++;
        if (!expr_sum(e, val)) return false;
        expr_skip_blanks(e);
        if (*e->p != ')') return expr_fail(e, "missing ')'");
        e->p++;
        return true;
    }
    if (*e->p == '-') {
        e->p++;
        if (!expr_primary(e, val)) return false;
        *val = -*val;
        return true;
    }
    if (*e->p == '$') {
        e->p++;
        return expr_register(e, val);
    }
    if (!isdigit((unsigned char)*e->p)) return expr_fail(e, "expected a number or $register");
    /* Hex with 0x, else decimal (a leading 0 is not octal). */
    bool hex = e->p[0] == '0' && (e->p[1] == 'x' || e->p[1] == 'X');
    char *end;
    *val = strtoull(e->p, &end, hex ? 16 : 10);
    if (isalnum((unsigned char)*end) || end == e->p + (hex ? 2 : 0))
        return expr_fail(e, "malformed number");
    e->p = end;
    return true;
}

static bool expr_product(ExprParser *e, uint64_t *val)
{
    if (!expr_primary(e, val)) return false;
    for (;;) {
        expr_skip_blanks(e);
        char op = *e->p;
        if (op != '*' && op != '/') return true;
        e->p++;
        uint64_t rhs;
        if (!expr_primary(e, &rhs)) return false;
        if (op == '/' && rhs == 0) return expr_fail(e, "division by zero");
        *val = op == '*' ? *val * rhs : *val / rhs;
    }
}

static bool expr_sum(ExprParser *e, uint64_t *val)
{
    if (!expr_product(e, val)) return false;
    for (;;) {
        expr_skip_blanks(e);
        char op = *e->p;
        if (op != '+' && op != '-') return true;
        e->p++;
        uint64_t rhs;
        if (!expr_product(e, &rhs)) return false;
        *val = op == '+' ? *val + rhs : *val - rhs;
    }
}

bool monitor_eval(Monitor *mon, const char *expr, uint64_t *val, char *err, size_t errlen)
{
    ExprParser e = {mon, expr, err, errlen, false};
    if (!expr_sum(&e, val)) return false;
    expr_skip_blanks(&e);
    if (*e.p) {
        snprintf(err, errlen, "unexpected '%s' in expression", e.p);
        return false;
    }
    return true;
}

/* ---- formats ---- */

typedef struct MemFormat {
    uint64_t count;
    char format;   /* x d u o c i */
    unsigned size; /* bytes per unit */
} MemFormat;

/* "/NFU" (letters in any order after the count), QEMU's syntax. */
static bool format_parse(Monitor *mon, const char *spec, MemFormat *f, char *err, size_t errlen)
{
    f->count = 1;
    f->format = mon->last_format;
    f->size = 0;
    const char *p = spec + 1;
    if (isdigit((unsigned char)*p)) {
        char *end;
        f->count = strtoull(p, &end, 10);
        p = end;
    }
    for (; *p; p++) {
        switch (*p) {
        case 'x':
        case 'd':
        case 'u':
        case 'o':
        case 'c':
        case 'i': f->format = *p; break;
        case 'b': f->size = 1; break;
        case 'h': f->size = 2; break;
        case 'w': f->size = 4; break;
        case 'g': f->size = 8; break;
        default: snprintf(err, errlen, "invalid char in format: '%c'", *p); return false;
        }
    }
    if (!f->size) f->size = f->format == 'c' ? 1 : mon->last_size;
    if (f->format == 'c') f->size = 1;
    if (f->format != 'i' && f->count > MEMORY_DUMP_MAX / f->size) {
        snprintf(err, errlen, "at most %d bytes at once", MEMORY_DUMP_MAX);
        return false;
    }
    if (f->format == 'i' && f->count > MEMORY_DUMP_MAX / 16) {
        snprintf(err, errlen, "at most %d instructions at once", MEMORY_DUMP_MAX / 16);
        return false;
    }
    return true;
}

/* A character as QEMU's monitor shows one: 'a', '\n', '\x07'. */
static void print_char(Monitor *mon, uint8_t c)
{
    switch (c) {
    case '\'': monitor_puts(mon, "'\\''"); return;
    case '\\': monitor_puts(mon, "'\\\\'"); return;
    case '\n': monitor_puts(mon, "'\\n'"); return;
    case '\r': monitor_puts(mon, "'\\r'"); return;
    default: break;
    }
    if (c >= 32 && c <= 126)
        monitor_printf(mon, "'%c'", c);
    else
        monitor_printf(mon, "'\\x%02x'", c);
}

/* One value in format f of size bytes. */
static void print_value(Monitor *mon, char format, unsigned size, uint64_t v)
{
    unsigned bits = size * 8;
    switch (format) {
    case 'o': monitor_printf(mon, " %#*" PRIo64, (int)((bits + 2) / 3), v); break;
    case 'u': monitor_printf(mon, " %*" PRIu64, (int)((bits * 10 + 32) / 33), v); break;
    case 'd': {
        int64_t s = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
        monitor_printf(mon, " %*" PRId64, (int)((bits * 10 + 32) / 33), s);
        break;
    }
    case 'c':
        monitor_puts(mon, " ");
        print_char(mon, (uint8_t)v);
        break;
    default: monitor_printf(mon, " 0x%0*" PRIx64, (int)(bits / 4), v); break;
    }
}

/* ---- dumping ---- */

typedef bool MemoryReader(Monitor *mon, CPUState *cpu, uint64_t addr, uint8_t *buf, size_t len);

static bool read_virtual(Monitor *mon, CPUState *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    return cpu_memory_rw_debug(cpu, addr, buf, len, false) == 0;
}

static bool read_physical(Monitor *mon, CPUState *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    AddressSpace *as = cpu && cpu->as ? cpu->as : mon->machine->as;
    return as && address_space_rw(as, addr, buf, len, false) == MEMTX_OK;
}

/* Data lines: 16 bytes a line (8 for bytes), values in the guest's byte
 * order. */
static void dump_data(Monitor *mon, CPUState *cpu, MemoryReader *read, uint64_t addr,
                      const MemFormat *f)
{
    bool big = cpu ? cpu->arch->big_endian : false;
    unsigned line_size = f->size == 1 ? 8 : 16;
    uint64_t len = f->count * f->size;
    while (len > 0) {
        unsigned l = len < line_size ? (unsigned)len : line_size;
        uint8_t buf[16];
        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (!read(mon, cpu, addr, buf, l)) {
            monitor_puts(mon, " Cannot access memory\n");
            return;
        }
        for (unsigned i = 0; i < l; i += f->size) {
            uint64_t v = 0;
            for (unsigned k = 0; k < f->size; k++)
                v |= (uint64_t)buf[i + (big ? f->size - 1 - k : k)] << (8 * k);
            print_value(mon, f->format, f->size, v);
        }
        monitor_puts(mon, "\n");
        addr += l;
        len -= l;
    }
}

/* Physical address paddr is where the cpu fetches virtual paddr from now
 * (the disassembler reads through the cpu's current translation). */
static bool identity_mapped(CPUState *cpu, uint64_t paddr)
{
    const ArchOps *a = cpu->arch;
    if (!a->mmu_translate) return true;
    unsigned idx = a->mmu_index ? a->mmu_index(cpu, MMU_EXEC) : 0;
    MMUResult r;
    return a->mmu_translate(cpu, paddr, MMU_EXEC, idx, true, &r) == 0 && r.paddr == paddr;
}

static void dump_instructions(Monitor *mon, CPUState *cpu, bool physical, uint64_t addr,
                              const MemFormat *f)
{
    if (!cpu->arch->disas) {
        monitor_printf(mon, "no disassembler for this cpu (%s)\n", cpu->arch->name);
        return;
    }
    for (uint64_t i = 0; i < f->count; i++) {
        char text[160];
        if (physical && !identity_mapped(cpu, addr)) {
            monitor_printf(mon,
                           "%016" PRIx64 ": not mapped at the same virtual address now; "
                           "use x/i with its virtual address\n",
                           addr);
            return;
        }
        unsigned len = cpu->arch->disas(cpu, addr, text, sizeof text);
        if (!len) {
            monitor_printf(mon, "%016" PRIx64 ": Cannot access memory\n", addr);
            return;
        }
        monitor_printf(mon, "0x%016" PRIx64 ":  %s\n", addr, text);
        addr += len;
    }
}

/* x and xp: [/fmt] addr-expression. */
static void memory_dump(Monitor *mon, int argc, char **argv, bool physical)
{
    const char *name = argv[0];
    MemFormat f;
    char err[160];
    int first = 1;
    if (argc > 1 && argv[1][0] == '/') {
        if (!format_parse(mon, argv[1], &f, err, sizeof err)) {
            monitor_printf(mon, "%s: %s\n", name, err);
            return;
        }
        first = 2;
    } else {
        f = (MemFormat){1, mon->last_format, mon->last_format == 'c' ? 1 : mon->last_size};
    }
    if (first >= argc) {
        monitor_printf(mon, "%s: expected an address (usage: %s /fmt addr)\n", name, name);
        return;
    }
    char expr[MONITOR_LINE_MAX + 1];
    monitor_join_words(argc, argv, first, expr, sizeof expr);
    uint64_t addr;
    if (!monitor_eval(mon, expr, &addr, err, sizeof err)) {
        monitor_printf(mon, "%s: %s\n", name, err);
        return;
    }
    CPUState *cpu = monitor_cpu(mon);
    if (!cpu && !physical) return;
    mon->last_format = f.format;
    if (f.format != 'i') mon->last_size = f.size;
    if (f.format == 'i') {
        if (cpu) dump_instructions(mon, cpu, physical, addr, &f);
        return;
    }
    dump_data(mon, cpu, physical ? read_physical : read_virtual, addr, &f);
}

void monitor_cmd_x(Monitor *mon, int argc, char **argv)
{
    memory_dump(mon, argc, argv, false);
}

void monitor_cmd_xp(Monitor *mon, int argc, char **argv)
{
    memory_dump(mon, argc, argv, true);
}

/* print [/fmt] expr: one value, hex unless the format says otherwise. */
void monitor_cmd_print(Monitor *mon, int argc, char **argv)
{
    char format = 'x', err[160];
    int first = 1;
    if (argc > 1 && argv[1][0] == '/') {
        const char *f = argv[1] + 1;
        if (strlen(f) != 1 || !strchr("xduoc", f[0])) {
            monitor_printf(mon, "print: invalid format '%s' (x d u o c)\n", argv[1]);
            return;
        }
        format = f[0];
        first = 2;
    }
    if (first >= argc) {
        monitor_puts(mon, "print: expected an expression\n");
        return;
    }
    char expr[MONITOR_LINE_MAX + 1];
    monitor_join_words(argc, argv, first, expr, sizeof expr);
    uint64_t v;
    if (!monitor_eval(mon, expr, &v, err, sizeof err)) {
        monitor_printf(mon, "print: %s\n", err);
        return;
    }
    switch (format) {
    case 'd': monitor_printf(mon, "%" PRId64 "\n", (int64_t)v); break;
    case 'u': monitor_printf(mon, "%" PRIu64 "\n", v); break;
    case 'o': monitor_printf(mon, "0%" PRIo64 "\n", v); break;
    case 'c':
        print_char(mon, (uint8_t)v);
        monitor_puts(mon, "\n");
        break;
    default: monitor_printf(mon, "0x%" PRIx64 "\n", v); break;
    }
}
