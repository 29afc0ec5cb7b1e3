/*
 * S/370 guest tests stay within S/370: every instruction in the text of an
 * S/370 test object (tests/guest/s370/<name>.S without _390, and the demo)
 * must be one that doppel's own decode tables have for S370_ARCH_370.
 * gas assembles ESA/390 and z/Architecture instructions in these files
 * without complaint, and the run-time operation exception only catches
 * the paths a test executes; this check covers every line.
 *
 * Which bytes are instructions.  The text mixes code with data (PSWs,
 * constants, CCWs, EBCDIC), and objdump's linear sweep decodes data as
 * instructions and, after data of odd length, gets out of step with the
 * code that follows.  So the check takes objdump's bytes but not its
 * boundaries, and decides what is code from the assembler's own records:
 *   - the line table (S/370 objects are built with -g) has a row for the
 *     first instruction of every source line that emits one, and none for
 *     data directives: every row starts a walk;
 *   - a walk decodes with doppel's instruction lengths and goes on
 *     sequentially through the rest of a macro expansion; it ends at an
 *     unconditional transfer (BC 15, BCR 15, LPSW), since data in the text
 *     always sits behind one or the CPU would run into it, and at a label
 *     (the objects keep local labels, -Wa,-L) unless the instruction
 *     before it is a branch that may continue there (not taken, or a call
 *     that returns), so the data after an EXECUTE target kept among the
 *     constants, or an invalid opcode under a label after CATCH's LA (an
 *     operation-exception test), is not taken for code;
 *   - a BASE-relative branch (BC, BAL, BAS, BCT, BXH, BXLE on r12, which
 *     TEST_START makes the base) starts a walk at its target, which
 *     reaches code behind an unconditional transfer inside a macro;
 *   - a data object (.type label,@object) always ends a walk: the mark for
 *     bytes that follow a branch but are not an S/370 instruction.
 * Everything else is data.  A failure names the source line (for code in
 * a macro, the line that invokes it) and objdump's reading of the bytes.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontends/s370/s370_internal.h"

/* cmake/s370-guests.cmake defines them when the cross toolchain is there. */
#ifndef S390_OBJDUMP
#define S390_OBJDUMP ""
#endif
#ifndef S390_GCC
#define S390_GCC ""
#endif

#define ISA_MAX_TEXT  65536
#define ISA_MAX_ROWS  8192
#define ISA_MAX_FAILS 64

typedef struct IsaRow {
    uint32_t addr;
    unsigned line;
    char file[64];
} IsaRow;

typedef struct IsaObject {
    uint8_t text[ISA_MAX_TEXT];
    bool have[ISA_MAX_TEXT];     /* objdump showed this byte */
    bool label[ISA_MAX_TEXT];    /* a label starts here */
    bool data[ISA_MAX_TEXT];     /* a data object (.type @object) starts here */
    bool visited[ISA_MAX_TEXT];  /* decoded as an instruction start */
    char *objdump[ISA_MAX_TEXT]; /* objdump's text of the line at this address */
    uint32_t size;
    long base; /* address of BASE, or -1 */
    IsaRow rows[ISA_MAX_ROWS];
    unsigned nrows;
    unsigned ninsns; /* instructions checked */
    char fails[ISA_MAX_FAILS][256];
    unsigned nfails;
} IsaObject;

/* ---- reading objdump's output ---- */

/* Run objdump with args on obj and hand each line of its output to fn. */
static void isa_objdump(IsaObject *o, const char *args, const char *obj,
                        void (*fn)(IsaObject *o, char *line))
{
    char cmd[1024], line[512];
    snprintf(cmd, sizeof cmd, "'%s' %s '%s' 2>/dev/null", S390_OBJDUMP, args, obj);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "%s", cmd);
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        fn(o, line);
    }
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
}

/* objdump -d: "XXXXXXXX <label>:", and "  addr:\tbytes\ttext" for an
 * instruction or "  addr:\tbytes  characters" for a data object. */
static void isa_disassembly_line(IsaObject *o, char *line)
{
    unsigned addr;
    char name[256];
    if (sscanf(line, "%8x <%255[^>]>:", &addr, name) == 2) {
        if (!strcmp(name, "BASE")) o->base = addr;
        return;
    }
    char *bytes = strchr(line, ':');
    if (!bytes || bytes[1] != '\t' || sscanf(line, " %x:", &addr) != 1) return;
    bytes += 2;
    char *text = strchr(bytes, '\t');
    if (text && addr < ISA_MAX_TEXT && !o->objdump[addr]) o->objdump[addr] = strdup(text + 1);
    /* Hex pairs separated by one blank. */
    for (const char *b = bytes; isxdigit((unsigned char)b[0]) && isxdigit((unsigned char)b[1]);
         b += 3, addr++) {
        if (addr < ISA_MAX_TEXT) {
            o->text[addr] = (uint8_t)strtoul((char[]){b[0], b[1], 0}, NULL, 16);
            o->have[addr] = true;
            if (addr + 1 > o->size) o->size = addr + 1;
        }
        if (b[2] != ' ') break;
    }
}

/* objdump -t: "addr flags section size name"; flag O marks a data object,
 * d the section's own symbol. */
static void isa_symbol_line(IsaObject *o, char *line)
{
    unsigned addr;
    char section[32];
    if (strlen(line) < 18 || sscanf(line, "%8x", &addr) != 1) return;
    if (sscanf(line + 17, "%31s", section) != 1 || strcmp(section, ".text")) return;
    if (addr >= ISA_MAX_TEXT || line[15] == 'd') return;
    o->label[addr] = true;
    if (memchr(line + 9, 'O', 7)) o->data[addr] = true;
}

/* objdump --dwarf=decodedline: "file  line  address ..." per row; the
 * last row of a sequence has line "-". */
static void isa_line_table_line(IsaObject *o, char *line)
{
    char file[64], lineno[32], addr[32], *end, *aend;
    if (o->nrows >= ISA_MAX_ROWS || sscanf(line, "%63s %31s %31s", file, lineno, addr) != 3) return;
    unsigned long n = strtoul(lineno, &end, 10), a = strtoul(addr, &aend, 16);
    if (*end || end == lineno || *aend || aend == addr) return;
    IsaRow *r = &o->rows[o->nrows++];
    r->addr = (uint32_t)a;
    r->line = (unsigned)n;
    snprintf(r->file, sizeof r->file, "%s", file);
}

/* ---- the walk ---- */

static const IsaRow *isa_row_for(const IsaObject *o, uint32_t addr)
{
    const IsaRow *best = NULL;
    for (unsigned i = 0; i < o->nrows; i++)
        if (o->rows[i].addr <= addr && (!best || o->rows[i].addr >= best->addr)) best = &o->rows[i];
    return best;
}

static void isa_fail(IsaObject *o, uint32_t addr, const char *why)
{
    if (o->nfails >= ISA_MAX_FAILS) return;
    const IsaRow *r = isa_row_for(o, addr);
    char bytes[32] = "";
    unsigned len = s370_insn_length(o->text[addr]);
    for (unsigned i = 0; i < len && addr + i < o->size; i++)
        snprintf(bytes + 3 * i, sizeof bytes - 3 * i, "%02x ", o->text[addr + i]);
    snprintf(o->fails[o->nfails++], sizeof o->fails[0], "%s:%u: %04x: %s(objdump: %s): %s",
             r ? r->file : "?", r ? r->line : 0, addr, bytes,
             o->objdump[addr] ? o->objdump[addr] : "out of step here", why);
}

static bool isa_unconditional(const uint8_t *b)
{
    return (b[0] == 0x47 && (b[1] >> 4) == 15) ||                     /* BC 15 */
           (b[0] == 0x07 && (b[1] >> 4) == 15 && (b[1] & 15) != 0) || /* BCR 15 */
           b[0] == 0x82;                                              /* LPSW */
}

/* A branch that may also continue with the next instruction (not taken,
 * or a call that returns): what follows it is code even under a label.
 * BC and BCR with mask 0 are no-ops (gas pads alignment with BCR 0,7). */
static bool isa_branch_continues(const uint8_t *b)
{
    unsigned m = b[1] >> 4, r2 = b[1] & 15;
    switch (b[0]) {
    case 0x47: return m != 0 && m != 15;            /* BC */
    case 0x07: return m != 0 && m != 15 && r2 != 0; /* BCR */
    case 0x06: return r2 != 0;                      /* BCTR */
    case 0x05:                                      /* BALR (r2 0: TEST_START's BASE) */
    case 0x0d:                                      /* BASR */
    case 0x45:                                      /* BAL */
    case 0x46:                                      /* BCT */
    case 0x4d:                                      /* BAS */
    case 0x86:                                      /* BXH */
    case 0x87: return true;                         /* BXLE */
    default: return false;
    }
}

/* The BASE-relative target of a branch, or -1. */
static long isa_branch_target(const IsaObject *o, const uint8_t *b)
{
    if (o->base < 0) return -1;
    unsigned index = b[1] & 15, base = b[2] >> 4, disp = (unsigned)(b[2] & 15) << 8 | b[3];
    switch (b[0]) {
    case 0x47:
        if ((b[1] >> 4) == 0) return -1; /* BC 0: no branch */
        __attribute__((fallthrough));
    case 0x45: /* BAL */
    case 0x46: /* BCT */
    case 0x4d: /* BAS */
        if (index != 0) return -1;
        break;
    case 0x86: /* BXH */
    case 0x87: /* BXLE */ break;
    default: return -1;
    }
    return base == 12 ? o->base + (long)disp : -1;
}

static void isa_walk(IsaObject *o, uint32_t start)
{
    uint32_t stack[4096];
    unsigned depth = 0;
    stack[depth++] = start;
    while (depth) {
        uint32_t addr = stack[--depth];
        for (;;) {
            if (addr >= o->size || o->visited[addr]) break;
            o->visited[addr] = true;
            o->ninsns++;
            const uint8_t *b = &o->text[addr];
            unsigned len = s370_insn_length(b[0]);
            if (addr + len > o->size || !o->have[addr + len - 1]) {
                isa_fail(o, addr, "truncated at the end of the text");
                break;
            }
            const S370InsnDef *def = s370_lookup(s370_opcode_key(b), S370_ARCH_370);
            if (!def) {
                const S370InsnDef *esa = s370_lookup(s370_opcode_key(b), S370_ARCH_390);
                char why[96];
                if (esa)
                    snprintf(why, sizeof why, "%s is ESA/390 only", esa->name);
                else
                    snprintf(why, sizeof why, "not an S/370 instruction");
                isa_fail(o, addr, why);
                break;
            }
            long target = isa_branch_target(o, b);
            if (target >= 0 && depth < sizeof stack / sizeof stack[0])
                stack[depth++] = (uint32_t)target;
            if (isa_unconditional(b)) break;
            addr += len;
            if (addr < ISA_MAX_TEXT &&
                (o->data[addr] || (o->label[addr] && !isa_branch_continues(b))))
                break;
        }
    }
}

/* Check one object; the failures are left in o->fails. */
static void isa_check_object(IsaObject *o, const char *obj)
{
    memset(o, 0, sizeof *o);
    o->base = -1;
    isa_objdump(o, "-d -z -j .text", obj, isa_disassembly_line);
    isa_objdump(o, "-t", obj, isa_symbol_line);
    isa_objdump(o, "--dwarf=decodedline", obj, isa_line_table_line);
    cr_assert_gt(o->size, 0, "%s: objdump shows no text", obj);
    cr_assert_gt(o->nrows, 0, "%s: no line table (build S/370 guest objects with -g)", obj);
    for (unsigned i = 0; i < o->nrows; i++)
        if (o->rows[i].addr < o->size) isa_walk(o, o->rows[i].addr);
}

static void isa_free(IsaObject *o)
{
    for (uint32_t a = 0; a < ISA_MAX_TEXT; a++)
        free(o->objdump[a]);
}

static bool isa_tools_present(void)
{
    return access(S390_OBJDUMP, X_OK) == 0 && access(S390_GCC, X_OK) == 0;
}

/* <deck>.<source>.o of an S/370 deck: not _390, not a C program. */
static bool isa_is_s370_object(const char *file)
{
    size_t len = strlen(file);
    if (len < 3 || strcmp(file + len - 2, ".o") || !strncmp(file, "c_", 2)) return false;
    const char *dot = strchr(file, '.');
    return dot && !(dot - file >= 4 && !strncmp(dot - 4, "_390", 4));
}

Test(s370_decode, s370_guest_tests_use_only_s370_instructions, .timeout = 120)
{
    if (!isa_tools_present()) cr_skip_test("s390x-linux-gnu-objdump/gcc not found");
    DIR *dir = opendir(DOPPEL_S370_GUEST_DIR);
    if (!dir) cr_skip_test("no guest programs were built (%s)", DOPPEL_S370_GUEST_DIR);
    static IsaObject o;
    unsigned objects = 0, fails = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!isa_is_s370_object(e->d_name)) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", DOPPEL_S370_GUEST_DIR, e->d_name);
        isa_check_object(&o, path);
        for (unsigned i = 0; i < o.nfails; i++)
            cr_log_error("%s: %s", e->d_name, o.fails[i]);
        cr_log_info("%s: %u instructions checked", e->d_name, o.ninsns);
        fails += o.nfails;
        objects++;
        isa_free(&o);
    }
    closedir(dir);
    cr_assert_gt(objects, 0, "no S/370 test objects in %s", DOPPEL_S370_GUEST_DIR);
    cr_assert_eq(fails, 0, "%u instructions outside S/370 in the S/370 tests (see above)", fails);
}

/* The check itself: a small program with data that reads as LHI and BRC,
 * a deliberate invalid opcode marked as data, and three ESA/390
 * instructions (on its own line, inside a macro, and inside a macro
 * behind a BR, reached by a branch): exactly those three fail. */
Test(s370_decode, isa_check_finds_esa_instructions_and_skips_data, .timeout = 60)
{
    if (!isa_tools_present()) cr_skip_test("s390x-linux-gnu-objdump/gcc not found");
    char dir[] = "/tmp/doppel-isa-XXXXXX", src[64], obj[64], cmd[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/t.S", dir);
    snprintf(obj, sizeof obj, "%s/t.o", dir);
    FILE *f = fopen(src, "w");
    cr_assert_not_null(f);
    fputs("\t.macro TWO\n"                          /* 1 */
          "\tar %r1,%r1\n"                          /* 2 */
          "\tahi %r1,1\n"                           /* 3 */
          "\t.endm\n"                               /* 4 */
          "\t.macro TAIL\n"                         /* 5 */
          "\tb .Lin-BASE(%r12)\n"                   /* 6 */
          "\t.long 0\n"                             /* 7: data behind the branch */
          ".Lin:\tlr %r1,%r1\n"                     /* 8 */
          "\tlhi %r2,1\n"                           /* 9: reached by the branch */
          "\t.endm\n"                               /* 10 */
          "\t.text\n"                               /* 11 */
          "_start:\tbalr %r12,0\n"                  /* 12 */
          "BASE:\tb .Lcode-BASE(%r12)\n"            /* 13 */
          ".Lpool:\t.long 0xa7180005\n"             /* 14: data that reads as LHI */
          ".Lcode:\tlr %r1,%r2\n"                   /* 15 */
          "\tlhi %r1,5\n"                           /* 16: fails */
          "\tTWO\n"                                 /* 17: fails (the AHI) */
          "\tbal %r14,.Lsub-BASE(%r12)\n"           /* 18 */
          "\t.type .Lop,@object\n"                  /* 19 */
          ".Lop:\t.short 0x0000\n"                  /* 20: deliberate, data */
          "\tTAIL\n"                                /* 21: fails (the LHI) */
          ".Lsub:\tbr %r14\n"                       /* 22 */
          ".Lpsw:\t.long 0x000a0000, 0xa7f40000\n", /* 23: data that reads as BRC */
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' -m31 -march=z900 -g -Wa,-L -c %s -o %s", S390_GCC, src, obj);
    int status = system(cmd);
    static IsaObject o;
    if (status == 0) isa_check_object(&o, obj);
    unlink(src);
    unlink(obj);
    rmdir(dir);
    cr_assert_eq(status, 0, "%s", cmd);
    cr_assert_eq(o.nfails, 3, "%u failures: %s | %s | %s", o.nfails, o.nfails > 0 ? o.fails[0] : "",
                 o.nfails > 1 ? o.fails[1] : "", o.nfails > 2 ? o.fails[2] : "");
    cr_expect(strstr(o.fails[0], "t.S:16:") && strstr(o.fails[0], "LHI is ESA/390 only"), "%s",
              o.fails[0]);
    cr_expect(strstr(o.fails[1], "t.S:17:") && strstr(o.fails[1], "AHI is ESA/390 only"), "%s",
              o.fails[1]);
    cr_expect(strstr(o.fails[2], "t.S:21:") && strstr(o.fails[2], "LHI is ESA/390 only"), "%s",
              o.fails[2]);
    isa_free(&o);
}
