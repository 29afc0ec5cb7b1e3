/*
 * replay: -icount rr=record|replay and reverse debugging, end to end.
 * The x86 guest rr_echo (tests/guest/x86/rr_echo.asm) echoes COM1 input
 * with the timer tick it arrived at, so its output depends on when the
 * host typed.  A recording fed through a pipe, replayed without input,
 * must print the same bytes and end with the same status — under the
 * interpreter and compiled code alike, and across the two.  Then gdb
 * steps and continues backwards through a replay.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

#define RR_GUEST     DOPPEL_X86_GUEST_DIR "/rr_echo.elf"
#define RR_BASE      "-M pc -display none -monitor none -icount shift=3"
#define RR_S370_DECK DOPPEL_S370_GUEST_DIR "/rr_echo.deck"
#define RR_S370_ELF  DOPPEL_S370_GUEST_DIR "/rr_echo.elf"
#define RR_S370_BASE "-M s370 -display none -monitor none -icount shift=3"

static void require_file(const char *path)
{
    if (access(path, R_OK) != 0) {
        printf("replay: skipped: %s not built\n", path);
        cr_skip_test("%s not built", path);
    }
}

static void require_guest(void)
{
    require_file(RR_GUEST);
}

/* x86 input: bytes a little apart ('a' may come before the guest set up
 * COM1, which drops it).  S/370: a line at once and one a little later
 * (it may come after the guest gave up waiting: the replay must agree
 * either way); for gdb, both lines at once, so both reads are in the
 * history. */
#define X86_INPUT_PACED    "printf a; sleep 0.05; printf b; sleep 0.1; printf q"
#define S370_INPUT_PACED   "printf 'hello\\n'; sleep 0.05; printf 'q\\n'"
#define S370_INPUT_AT_ONCE "printf 'hello\\nq\\n'"

/* Record rr_echo (x86, or S/370 on its 3215 console) under accel with
 * the output of the shell command input piped in while it runs; the
 * serial output in out, the exit status returned. */
static int record_input(bool s370, const char *input, const char *accel, const char *log, char *out,
                        size_t len)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "(%s) | timeout -k 5 120 %s %s -accel %s -serial stdio "
             "-icount shift=3,rr=record,rrfile=%s -kernel %s 2>/dev/null",
             input, DOPPEL_BINARY, s370 ? RR_S370_BASE : RR_BASE, accel, log,
             s370 ? RR_S370_DECK : RR_GUEST);
    return test_run_command(cmd, out, len);
}

static int record_on(bool s370, const char *accel, const char *log, char *out, size_t len)
{
    return record_input(s370, s370 ? S370_INPUT_PACED : X86_INPUT_PACED, accel, log, out, len);
}

static int record_run(const char *accel, const char *log, char *out, size_t len)
{
    return record_on(false, accel, log, out, len);
}

static int replay_on(bool s370, const char *accel, const char *log, char *out, size_t len)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 120 %s %s -accel %s -serial stdio -icount shift=3,rr=replay,rrfile=%s "
             "-kernel %s </dev/null 2>/dev/null",
             DOPPEL_BINARY, s370 ? RR_S370_BASE : RR_BASE, accel, log,
             s370 ? RR_S370_DECK : RR_GUEST);
    return test_run_command(cmd, out, len);
}

typedef struct RrCase {
    bool s370;       /* else x86 */
    char record[24]; /* -accel of the recording */
    char replay[24]; /* -accel of the replay */
} RrCase;

ParameterizedTestParameters(replay, same_output_without_input)
{
    static RrCase cases[] = {
        {false, "interp", "interp"},      {false, "jit", "jit"},
        {false, "interp", "jit,sync=on"}, {false, "jit", "interp"},
        {true, "interp", "interp"},       {true, "jit", "jit"},
        {true, "jit", "interp"},          {true, "interp", "jit,sync=on"},
    };
    return cr_make_param_array(RrCase, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(RrCase *c, replay, same_output_without_input, .timeout = 240)
{
    require_file(c->s370 ? RR_S370_DECK : RR_GUEST);
    char log[128];
    snprintf(log, sizeof log, "/tmp/doppel-rr-%d.rr", (int)getpid());
    static char recorded[16384], replayed[16384];
    int rs = record_on(c->s370, c->record, log, recorded, sizeof recorded);
    /* The input reached the guest and was echoed with its time. */
    if (c->s370) {
        cr_assert(strstr(recorded, " GOT hello\n"), "recording did not see the input:\n%s",
                  recorded);
        cr_assert_eq(rs, 0, "recording: status %d\n%s", rs, recorded);
    } else {
        cr_assert(strstr(recorded, " got 98\n") || strstr(recorded, " got 113\n"),
                  "recording did not see the input:\n%s", recorded);
        cr_assert_eq(rs, 1, "recording: status %d\n%s", rs, recorded);
    }
    int ps = replay_on(c->s370, c->replay, log, replayed, sizeof replayed);
    unlink(log);
    cr_assert_eq(ps, rs, "replay status %d, recording %d\n%s", ps, rs, replayed);
    cr_assert_str_eq(replayed, recorded, "replay differs from the recording");
}

/* Everything typed before the guest set COM1 up (a slow start, or a
 * file on stdin): the bytes wait in the chardev until the guest's FIFO
 * reset makes room, and the replay hands them over at the same point. */
Test(replay, input_typed_ahead_of_the_guest, .timeout = 240)
{
    require_guest();
    char log[128];
    snprintf(log, sizeof log, "/tmp/doppel-rr-ahead-%d.rr", (int)getpid());
    static char recorded[16384], replayed[16384];
    int rs = record_input(false, "printf abq", "interp", log, recorded, sizeof recorded);
    cr_assert(strstr(recorded, " got 98\n") && strstr(recorded, " got 113\n"),
              "recording did not see the input:\n%s", recorded);
    cr_assert_eq(rs, 1, "recording: status %d\n%s", rs, recorded);
    int ps = replay_on(false, "jit", log, replayed, sizeof replayed);
    unlink(log);
    cr_assert_eq(ps, rs, "replay status %d, recording %d\n%s", ps, rs, replayed);
    cr_assert_str_eq(replayed, recorded, "replay differs from the recording");
}

Test(replay, bad_logs_are_one_line, .timeout = 120)
{
    require_guest();
    char log[128], out[4096], args[2048];
    snprintf(log, sizeof log, "/tmp/doppel-rr-bad-%d.rr", (int)getpid());

    FILE *f = fopen(log, "w");
    cr_assert_not_null(f);
    fputs("not a log at all, but long enough to hold a header...........", f);
    fclose(f);
    snprintf(args, sizeof args,
             RR_BASE " -accel interp -serial null -icount shift=3,rr=replay,rrfile=%s -kernel %s",
             log, RR_GUEST);
    cr_expect_eq(test_run_doppel(args, true, out, sizeof out), 1);
    cr_expect(strstr(out, "not a doppel replay log"), "%s", out);

    /* A real log, replayed with another shift. */
    static char rec[16384];
    record_run("interp", log, rec, sizeof rec);
    snprintf(args, sizeof args,
             "-M pc -display none -monitor none -accel interp -serial null "
             "-icount shift=4,rr=replay,rrfile=%s -kernel %s",
             log, RR_GUEST);
    cr_expect_eq(test_run_doppel(args, true, out, sizeof out), 1);
    cr_expect(strstr(out, "recorded with shift=3, replaying with shift=4"), "%s", out);

    snprintf(args, sizeof args,
             RR_BASE
             " -accel interp -serial null -icount shift=3,rr=replay,rrfile=/nonexistent/x.rr "
             "-kernel %s",
             RR_GUEST);
    cr_expect_eq(test_run_doppel(args, true, out, sizeof out), 1);
    cr_expect(strstr(out, "cannot open"), "%s", out);
    unlink(log);
}

/* Replay the recording log of rr_echo with gdb-multiarch attached,
 * running script; gdb's output in out. */
static void gdb_on_replay(bool s370, const char *log, const char *script, char *out, size_t len)
{
    char dlog[128], sfile[128];
    snprintf(dlog, sizeof dlog, "/tmp/doppel-rr-rev-%d.out", (int)getpid());
    snprintf(sfile, sizeof sfile, "/tmp/doppel-rr-rev-%d.gdb", (int)getpid());
    FILE *f = fopen(sfile, "w");
    cr_assert_not_null(f);
    fputs(script, f);
    fclose(f);

    int port = 20000 + (int)((getpid() * 7) % 40000);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "exec timeout -k 5 200 %s %s -accel interp -serial null "
             "-icount shift=3,rr=replay,rrfile=%s -gdb tcp::%d -S -kernel %s </dev/null >%s 2>&1",
             DOPPEL_BINARY, s370 ? RR_S370_BASE : RR_BASE, log, port,
             s370 ? RR_S370_DECK : RR_GUEST, dlog);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 180 gdb-multiarch -batch -nx -ex 'set pagination off' "
             "-ex 'set confirm off' -ex 'target remote 127.0.0.1:%d' -x %s %s 2>&1",
             port, sfile, s370 ? RR_S370_ELF : RR_GUEST);
    test_run_command(cmd, out, len);
    int status;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) != pid; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (i == 99) {
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
        }
    }
    unlink(dlog);
    unlink(sfile);
}

/* x86: backwards through timer interrupts, whose ISR entry is no
 * instruction of its own. */
Test(replay, reverse_debugging_with_gdb, .timeout = 240)
{
    require_guest();
    test_require_program("replay", "gdb-multiarch", "gdb-multiarch");
    char log[128];
    snprintf(log, sizeof log, "/tmp/doppel-rr-rev-%d.rr", (int)getpid());
    static char rec[16384], out[65536];
    record_run("interp", log, rec, sizeof rec);
    gdb_on_replay(false, log,
                  "break tick_isr\n"
                  "continue\ncontinue\ncontinue\n"
                  "echo == third tick\\n\n"
                  "p *(int *)&ticks\n"
                  "stepi\nstepi\n"
                  "echo == two steps in\\n\n"
                  "p (long)$pc - (long)&tick_isr\n"
                  "p *(int *)&ticks\n"
                  "reverse-stepi\n"
                  "echo == one step back\\n\n"
                  "p (long)$pc - (long)&tick_isr\n"
                  "p *(int *)&ticks\n"
                  "reverse-continue\n"
                  "echo == entry of the third tick\\n\n"
                  "p *(int *)&ticks\n"
                  "reverse-continue\n"
                  "echo == second tick\\n\n"
                  "p *(int *)&ticks\n"
                  "reverse-continue\n"
                  "echo == first tick\\n\n"
                  "p *(int *)&ticks\n"
                  "reverse-continue\n"
                  "echo == start of history\\n\n"
                  "p *(int *)&ticks\n"
                  "continue\n"
                  "echo == forward again\\n\n"
                  "p *(int *)&ticks\n"
                  "kill\n",
                  out, sizeof out);
    unlink(log);

    /* At the breakpoint the ISR has not run yet: two ticks counted. */
    cr_expect(strstr(out, "== third tick\n$1 = 2\n"), "%s", out);
    /* push eax (1 byte), inc dword [ticks] (6 bytes) */
    cr_expect(strstr(out, "== two steps in\n$2 = 7\n$3 = 3\n"), "%s", out);
    cr_expect(strstr(out, "== one step back\n$4 = 1\n$5 = 2\n"), "%s", out);
    /* Backwards from inside the third ISR: its own entry first. */
    cr_expect(strstr(out, "== entry of the third tick\n$6 = 2\n"), "%s", out);
    cr_expect(strstr(out, "== second tick\n$7 = 1\n"), "%s", out);
    cr_expect(strstr(out, "== first tick\n$8 = 0\n"), "%s", out);
    cr_expect(strstr(out, "No more reverse-execution history."), "%s", out);
    cr_expect(strstr(out, "== start of history\n$9 = 0\n"), "%s", out);
    /* Forward again: the same first tick, the same state. */
    cr_expect(strstr(out, "== forward again\n$10 = 0\n"), "%s", out);
}

/* S/370: backwards over console input that arrived from the log. */
Test(replay, reverse_debugging_s370_with_gdb, .timeout = 240)
{
    require_file(RR_S370_DECK);
    require_file(RR_S370_ELF);
    test_require_program("replay", "gdb-multiarch", "gdb-multiarch");
    char log[128];
    snprintf(log, sizeof log, "/tmp/doppel-rr-rev370-%d.rr", (int)getpid());
    static char rec[16384], out[65536];
    record_input(true, S370_INPUT_AT_ONCE, "interp", log, rec, sizeof rec);
    gdb_on_replay(true, log,
                  "break *got_line\n"
                  "continue\n"
                  "echo == first line\\n\n"
                  "x/s &buf\n"
                  "stepi\nstepi\n"
                  "echo == two steps in\\n\n"
                  "p (long)$pc - (long)&got_line\n"
                  "reverse-stepi\n"
                  "echo == one step back\\n\n"
                  "p (long)$pc - (long)&got_line\n"
                  "reverse-continue\n"
                  "echo == at the line again\\n\n"
                  "p (long)$pc - (long)&got_line\n"
                  "reverse-continue\n"
                  "echo == start of history\\n\n"
                  "continue\ncontinue\n"
                  "echo == second line\\n\n"
                  "p/x *(unsigned char *)&buf\n"
                  "kill\n",
                  out, sizeof out);
    unlink(log);
    /* STCK and LA are 4 bytes each. */
    cr_expect(strstr(out, "== two steps in\n$1 = 8\n"), "%s", out);
    cr_expect(strstr(out, "== one step back\n$2 = 4\n"), "%s", out);
    cr_expect(strstr(out, "== at the line again\n$3 = 0\n"), "%s", out);
    cr_expect(strstr(out, "No more reverse-execution history."), "%s", out);
    /* Forward again: the log's second line, 'q' (EBCDIC 0x98). */
    cr_expect(strstr(out, "== second line\n$4 = 0x98\n"), "%s", out);
}
