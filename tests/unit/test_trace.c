/*
 * -d int and -d mmu in each guest's own words: guest programs run with
 * the log on and written to a file (-D), and the lines must name what a
 * teacher would show: the x86 vector with its mnemonic, error code and
 * CR2, the page walk's PDE/PTE and the fault; the S/370 interruption
 * class and code by name, the ILC, old and new PSW, the DAT walk's
 * segment and page entries, and the translation-exception address.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* Run doppel with args and -d cats -D <tmp>; the log in buf. */
static char *run_logged(const char *args, const char *cats, char *buf, size_t len)
{
    char log[96], cmd[2048], out[8192];
    snprintf(log, sizeof log, "/tmp/doppel-trace-%d.log", (int)getpid());
    snprintf(cmd, sizeof cmd, "%s -nographic -serial null -d %s -D %s", args, cats, log);
    int status = test_run_doppel(cmd, false, out, sizeof out);
    cr_assert(status == 0 || status == 1, "doppel %s: status %d:\n%s", cmd, status, out);
    test_read_file(log, buf, len);
    unlink(log);
    return buf;
}

static void expect_line(const char *log, const char *text)
{
    cr_expect_not_null(strstr(log, text), "no \"%s\" in the log", text);
}

Test(trace, x86_page_faults_and_walks, .timeout = 120)
{
    static char log[1 << 20];
    run_logged("-M pc -accel interp -kernel " DOPPEL_X86_GUEST_DIR "/paging.elf", "int,mmu", log,
               sizeof log);
    /* paging.asm writes to a not-present page at 0x40002000 first. */
    expect_line(log, "x86: exception 0x0e #PF page fault error 0002 CR2=40002000 at 0008:");
    expect_line(log, "protected mode CPL 0\n");
    expect_line(log, "x86 mmu:   -> #PF error 0002 (not present, write, supervisor) "
                     "CR2=40002000\n");
    /* Its first walk of the mapped VIRT page (PD[256] -> page_table2). */
    expect_line(log, "x86 mmu: supervisor read 40000000: 32-bit walk, CR3=");
    expect_line(log, "x86 mmu:   PDE   at 000");
    expect_line(log, "x86 mmu:   PTE   at 000");
    expect_line(log, "-> 000300000 4K page, TLB fill");
}

Test(trace, x86_vectors_by_kind, .timeout = 120)
{
    static char log[1 << 18];
    run_logged("-M pc -accel interp -kernel " DOPPEL_X86_GUEST_DIR "/interrupts.elf", "int", log,
               sizeof log);
    expect_line(log, "x86: exception 0x0b #NP segment not present error 0048 at 0008:");
    expect_line(log, "x86: #GP general protection while delivering vector 0x0b: double fault\n");
    expect_line(log, "x86: exception 0x08 #DF double fault error 0000 at 0008:");
    expect_line(log, "x86: trap 0x03 #BP breakpoint at 0008:");
    expect_line(log, "x86: INT 0x03 at 0008:");
    cr_expect_null(strstr(log, "x86 mmu"), "-d int alone logs no walks");
}

Test(trace, s370_program_interruptions, .timeout = 120)
{
    static char log[1 << 18];
    run_logged("-M s370 -accel interp -kernel " DOPPEL_S370_GUEST_DIR "/interrupts.deck", "int",
               log, sizeof log);
    expect_line(log, "s370: program interruption code 0001 operation, ILC 1, old PSW 00080000 "
                     "0000044C, new PSW 00080000 000008F8\n");
    expect_line(log, "s370: program interruption code 0008 fixed-point-overflow, ILC 1,");
    expect_line(log, "s370: program interruption code 0002 privileged-operation, ILC 2,");
    expect_line(log, "s370: supervisor call interruption code 004D (SVC 77), ILC 1, old PSW");
}

Test(trace, s370_dat_walks, .timeout = 120)
{
    static char log[1 << 20];
    run_logged("-M s370 -accel interp -kernel " DOPPEL_S370_GUEST_DIR "/dat370.deck", "int,mmu",
               log, sizeof log);
    expect_line(log, "s370 dat:   segment 000: entry at 00000a80 = f0000b40\n");
    expect_line(log, "s370 dat:   page 00: entry at 00000b40 = 0000\n");
    expect_line(log, "s370 dat:   segment-invalid bit -> program interruption 0010\n");
    expect_line(log, "s370: program interruption code 0010 segment-translation, ILC 2, "
                     "translation-exception address 00010000, old PSW 04080000");
    expect_line(log, "s370: program interruption code 0011 page-translation, ILC 2, "
                     "translation-exception address 00021000,");
}

Test(trace, esa390_io_interruption, .timeout = 120)
{
    static char log[1 << 18];
    run_logged("-M s390 -accel interp -kernel " DOPPEL_S370_GUEST_DIR "/io_390.deck", "int", log,
               sizeof log);
    expect_line(log, "s370: I/O interruption subsystem ID 00010000, parameter 12345678, old PSW ");
}
