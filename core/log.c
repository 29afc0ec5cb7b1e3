/*
 * -d categories and the -D log file.  The mask and the stream are the
 * process's logger registry.
 */
#include "core/log.h"

#include <stdarg.h>
#include <string.h>

uint32_t log_mask_current;
static FILE *log_file_stream; /* -D file, or NULL for stderr */

static const struct {
    const char *name;
    uint32_t bit;
    const char *desc;
} log_categories[] = {
    {"in_asm", LOG_IN_ASM, "guest code of each translated block (disassembly)"},
    {"op", LOG_OP, "IR of each block as lifted by the frontend"},
    {"op_opt", LOG_OP_OPT, "IR of each block after the optimiser passes"},
    {"out_asm", LOG_OUT_ASM, "backend output (interpreter bytecode, host code)"},
    {"exec", LOG_EXEC, "every translated block executed"},
    {"int", LOG_INT, "interrupts and exceptions delivered"},
    {"mmu", LOG_MMU, "page walks and TLB fills"},
    {"cpu", LOG_CPU, "cpu state before each block executed"},
    {"unimp", LOG_UNIMP, "unimplemented instructions and device features"},
    {"guest_errors", LOG_GUEST_ERRORS, "invalid guest accesses and bad device programming"},
    {"page", LOG_PAGE, "code page tracking and invalidation"},
    {"tb", LOG_TB, "translation block cache events"},
    {"jit", LOG_JIT, "LLVM regions: formation, compile times, installation, retirement"},
    {"nochain", LOG_NOCHAIN, "do not chain translated blocks (with exec: see every block)"},
};

#define NCATEGORIES (sizeof log_categories / sizeof log_categories[0])

bool log_parse_mask(const char *spec, uint32_t *mask, char *err, size_t errlen)
{
    uint32_t m = 0;
    const char *p = spec;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0) {
            snprintf(err, errlen, "empty log category in '%s' (see -d help)", spec);
            return false;
        }
        size_t i;
        for (i = 0; i < NCATEGORIES; i++) {
            if (strlen(log_categories[i].name) == len &&
                strncmp(log_categories[i].name, p, len) == 0)
                break;
        }
        if (i == NCATEGORIES) {
            snprintf(err, errlen, "unknown log category '%.*s' (see -d help)", (int)len, p);
            return false;
        }
        m |= log_categories[i].bit;
        if (p[len] == '\0') break;
        p += len + 1;
    }
    *mask = m;
    return true;
}

void log_set_mask(uint32_t mask)
{
    log_mask_current = mask;
}

bool log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    log_close();
    setvbuf(f, NULL, _IOLBF, 0);
    log_file_stream = f;
    return true;
}

void log_close(void)
{
    if (log_file_stream) fclose(log_file_stream);
    log_file_stream = NULL;
}

FILE *log_stream(void)
{
    return log_file_stream ? log_file_stream : stderr;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_stream(), fmt, ap);
    va_end(ap);
}

void log_print_categories(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < NCATEGORIES; i++)
        fprintf(out, "%-14s %s\n", log_categories[i].name, log_categories[i].desc);
}
