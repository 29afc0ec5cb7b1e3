/*
 * gdbstub: conversations with the stub on real machines in this process
 * — the x86 guest tests/guest/x86/hello.asm on -M pc and the S/370 guest
 * tests/guest/s370/basic.S on -M s370.  Packets go in with chardev_input;
 * replies come out of a file: chardev and are read back with the packet
 * reader.  The test runs the cpus itself (cpu_exec, and vm_stop on
 * EXCP_DEBUG as machine_run does) so it can talk between runs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/cpu_loop.h"
#include "core/gdb_packet.h"
#include "core/gdbstub.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/runstate.h"
#include "test_util.h"

static Options opts;
static Machine *m;
static Chardev *chr;
static GdbStub *gdb;
static FILE *out_file;
static char out_path[96];
static GdbPacketReader rd;
static uint8_t pending[GDB_FRAME_MAX];
static size_t pending_pos, pending_len;
static char packet[GDB_PACKET_MAX + 1];

static unsigned long nm_lookup(const char *elf, const char *name)
{
    char cmd[1024], out[256];
    snprintf(cmd, sizeof cmd, "nm %s | awk '$3 == \"%s\" { print $1 }'", elf, name);
    test_run_command(cmd, out, sizeof out);
    cr_assert(out[0], "no symbol %s in %s", name, elf);
    return strtoul(out, NULL, 16);
}

static void world_open(const char *machine, const char *accel, const char *image)
{
    if (access(image, R_OK)) cr_skip_test("%s not built", image);
    test_require_program("gdbstub", "nm", "binutils");
    char *argv[] = {"doppel",  "-M",      (char *)machine, "-accel", (char *)accel,
                    "-serial", "null",    "-monitor",      "none",   "-display",
                    "none",    "-kernel", (char *)image,   NULL};
    cr_assert_eq(options_parse(13, argv, &opts), 0);
    m = machine_create(machine_find(opts.machine), &opts);
    cr_assert_not_null(m);
    cr_assert(machine_boot(m));
    char spec[128], err[256];
    snprintf(out_path, sizeof out_path, "/tmp/doppel-gdbstub-%d.out", (int)getpid());
    snprintf(spec, sizeof spec, "file:%s", out_path);
    chr = chardev_from_spec(m, spec, err, sizeof err);
    cr_assert_not_null(chr, "%s", err);
    out_file = fopen(out_path, "rb");
    cr_assert_not_null(out_file);
    gdb_reader_init(&rd);
    pending_pos = pending_len = 0;
    gdb = gdbstub_new(m, chr);
    cr_assert_not_null(gdb);
}

static void world_close(void)
{
    if (!m) return;
    gdbstub_free(gdb);
    chardev_close(chr);
    if (out_file) fclose(out_file);
    unlink(out_path);
    machine_destroy(m);
    options_free(&opts);
    gdb = NULL, chr = NULL, out_file = NULL, m = NULL;
}

static void send_packet(const char *data, size_t len)
{
    uint8_t frame[GDB_FRAME_MAX];
    size_t n = gdb_frame((const uint8_t *)data, len, true, frame, sizeof frame);
    cr_assert(n > 0);
    chardev_input(chr, frame, n);
}

/* The next packet the stub wrote, or NULL when there is none yet. */
static const char *next_packet(void)
{
    for (;;) {
        if (pending_pos == pending_len) {
            pending_len = fread(pending, 1, sizeof pending, out_file);
            pending_pos = 0;
            if (pending_len == 0) {
                clearerr(out_file);
                return NULL;
            }
        }
        GdbInputEvent ev;
        pending_pos += gdb_reader_push(&rd, pending + pending_pos, pending_len - pending_pos, &ev);
        if (ev == GDB_INPUT_PACKET) {
            memcpy(packet, rd.data, rd.len + 1);
            return packet;
        }
    }
}

static const char *ask(const char *data)
{
    send_packet(data, strlen(data));
    const char *reply = next_packet();
    cr_assert_not_null(reply, "no reply to %s", data);
    return reply;
}

/* Run the cpus until the machine stops or ends. */
static void run(void)
{
    for (int round = 0; round < 100000 && vm_running(m) && !m->quit; round++) {
        for (int i = 0; i < m->ncpus && vm_running(m); i++) {
            CPUState *cpu = m->cpus[i];
            if (!cpu->stopped && cpu_exec(cpu, 10000) == EXCP_DEBUG) vm_stop(m, RUN_STATE_DEBUG);
        }
    }
}

static const char *run_for_reply(void)
{
    run();
    const char *reply = next_packet();
    cr_assert_not_null(reply, "no stop reply");
    return reply;
}

/* Register reg (4 bytes in target order) as hex, from 'p'. */
static uint32_t reg32(int reg, bool big_endian)
{
    char req[16];
    snprintf(req, sizeof req, "p%x", reg);
    const char *hex = ask(req);
    uint8_t b[4];
    cr_assert(strlen(hex) >= 8 && gdb_hex_decode(hex, 4, b), "p%x: %s", reg, hex);
    return big_endian ? (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
                      : (uint32_t)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0];
}

#define X86_ELF  DOPPEL_X86_GUEST_DIR "/hello.elf"
#define X86_EIP  8
#define S370_ELF DOPPEL_S370_GUEST_DIR "/basic.elf"
#define S370_R0  2

TestSuite(gdbstub, .fini = world_close, .timeout = 120);

Test(gdbstub, x86_queries)
{
    world_open("pc", "interp", X86_ELF);
    cr_assert_not(vm_running(m), "attaching stops the machine");
    const char *r = ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    cr_assert(strstr(r, "PacketSize=1000;") && strstr(r, "qXfer:features:read+") &&
                  strstr(r, "QStartNoAckMode+") && strstr(r, "vContSupported+"),
              "%s", r);
    cr_assert_str_eq(ask("?"), "T05thread:01;");
    cr_assert_str_eq(ask("qfThreadInfo"), "m01");
    cr_assert_str_eq(ask("qsThreadInfo"), "l");
    cr_assert_str_eq(ask("qC"), "QC01");
    cr_assert_str_eq(ask("qAttached"), "1");
    cr_assert_str_eq(ask("vCont?"), "vCont;c;C;s;S;t");
    cr_assert_str_eq(ask("Hg1"), "OK");
    cr_assert_str_eq(ask("Hg5"), "E22");
    cr_assert_str_eq(ask("T1"), "OK");
    cr_assert_str_eq(ask("T2"), "E22");
    cr_assert_str_eq(ask("vMustReplyEmpty"), "");
    cr_assert_str_eq(ask("qNoSuchThing"), "");
    uint8_t text[64] = {0};
    r = ask("qThreadExtraInfo,1");
    cr_assert(gdb_hex_decode(r, strlen(r) / 2, text));
    cr_assert_str_eq((char *)text, "CPU#0 [running]");
    /* target.xml in small pages, reassembled */
    static char xml[65536];
    size_t len = 0;
    for (;;) {
        char req[64];
        snprintf(req, sizeof req, "qXfer:features:read:target.xml:%zx,80", len);
        r = ask(req);
        cr_assert(r[0] == 'm' || r[0] == 'l', "%s", r);
        cr_assert(strlen(r + 1) <= 0x80 && len + strlen(r + 1) < sizeof xml);
        memcpy(xml + len, r + 1, strlen(r + 1));
        len += strlen(r + 1);
        if (r[0] == 'l') break;
    }
    xml[len] = '\0';
    cr_assert_str_eq(xml, m->cpus[0]->arch->gdb_target_xml);
    cr_assert_str_eq(ask("qXfer:features:read:other.xml:0,10"), "E02");
}

Test(gdbstub, x86_registers_and_memory)
{
    world_open("pc", "interp", X86_ELF);
    /* Multiboot entry: EAX holds the magic, EIP the ELF entry. */
    const char *g = ask("g");
    cr_assert(strncmp(g, "02b0ad2b", 8) == 0, "%s", g);
    cr_assert_eq(reg32(X86_EIP, false), nm_lookup(X86_ELF, "_start"));
    cr_assert_str_eq(ask("P3=78563412"), "OK"); /* ebx */
    cr_assert_eq(reg32(3, false), 0x12345678);
    cr_assert_str_eq(ask("p3e7"), "E22");
    /* A G of the wrong length changes nothing. */
    cr_assert_str_eq(ask("G00112233"), "E22");
    cr_assert_eq(reg32(3, false), 0x12345678);
    /* G with what g said writes it all back. */
    static char req[GDB_PACKET_MAX + 2];
    snprintf(req, sizeof req, "G%s", ask("g"));
    cr_assert_str_eq(ask(req), "OK");
    cr_assert_eq(reg32(3, false), 0x12345678);

    unsigned long name = nm_lookup(X86_ELF, "test_name");
    snprintf(req, sizeof req, "m%lx,5", name);
    cr_assert_str_eq(ask(req), "68656c6c6f"); /* "hello" */
    snprintf(req, sizeof req, "M%lx,1:4a", name);
    cr_assert_str_eq(ask(req), "OK");
    static const char x[] = "X%lx,4:#$}*";
    char xreq[64];
    int n = snprintf(xreq, sizeof xreq, x, name + 1);
    send_packet(xreq, (size_t)n); /* binary: the framing escapes them */
    cr_assert_str_eq(next_packet(), "OK");
    snprintf(req, sizeof req, "m%lx,5", name);
    cr_assert_str_eq(ask(req), "4a23247d2a");
    cr_assert_str_eq(ask("mc0000000,4"), "E14");
    cr_assert_str_eq(ask("m1000"), "E22");
    cr_assert_str_eq(ask("Mc0000000,1:00"), "E14");
}

Test(gdbstub, x86_breakpoint_step_and_a_register_the_guest_uses)
{
    world_open("pc", "interp", X86_ELF);
    ask("qSupported:swbreak+;hwbreak+");
    unsigned long main_pc = nm_lookup(X86_ELF, "test_main");
    char req[64];
    snprintf(req, sizeof req, "Z0,%lx,1", main_pc);
    cr_assert_str_eq(ask(req), "OK");
    send_packet("c", 1);
    cr_assert_str_eq(run_for_reply(), "T05thread:01;swbreak:;");
    cr_assert_eq(reg32(X86_EIP, false), main_pc);
    snprintf(req, sizeof req, "z0,%lx,1", main_pc);
    cr_assert_str_eq(ask(req), "OK");
    send_packet("vCont;s:1", 9);
    cr_assert_str_eq(run_for_reply(), "T05thread:01;");
    uint32_t pc = reg32(X86_EIP, false);
    cr_assert(pc > main_pc && pc < main_pc + 16, "eip %#x after a step from %#lx", pc, main_pc);
    /* Multiboot magic gone from EAX: the guest's first check fails, and
     * the exit port reports it (status 3) as W03. */
    world_close();
    world_open("pc", "interp", X86_ELF);
    cr_assert_str_eq(ask("P0=00000000"), "OK");
    send_packet("c", 1);
    cr_assert_str_eq(run_for_reply(), "W03");
}

Test(gdbstub, x86_ctrl_c_monitor_detach_kill)
{
    world_open("pc", "jit", X86_ELF);
    send_packet("c", 1);
    cr_assert(vm_running(m));
    chardev_input(chr, (const uint8_t *)"\x03", 1);
    cr_assert_str_eq(next_packet(), "T02thread:01;");
    cr_assert_not(vm_running(m));
    /* qRcmd: monitor output as O packets, then OK */
    static const char line[] = "info registers";
    char req[80] = "qRcmd,";
    gdb_hex_encode((const uint8_t *)line, strlen(line), req + 6);
    req[6 + 2 * strlen(line)] = '\0';
    send_packet(req, strlen(req));
    static char text[16384];
    size_t len = 0;
    const char *r;
    while ((r = next_packet()) && r[0] == 'O' && strcmp(r, "OK") != 0) {
        size_t n = strlen(r + 1) / 2;
        cr_assert(len + n < sizeof text && gdb_hex_decode(r + 1, n, (uint8_t *)text + len));
        len += n;
    }
    text[len] = '\0';
    cr_assert_not_null(r, "after %zu bytes: %s", len, text);
    cr_assert_str_eq(r, "OK");
    cr_assert(strstr(text, "EAX=2badb002"), "%s", text);
    cr_assert_str_eq(ask("qRcmd,zz"), "E22");
    /* A bad checksum gets '-' and no reply. */
    chardev_input(chr, (const uint8_t *)"$g#00", 5);
    cr_assert_null(next_packet());
    /* Detach resumes the machine; kill ends it. */
    cr_assert_str_eq(ask("D"), "OK");
    cr_assert(vm_running(m));
    send_packet("k", 1);
    cr_assert(m->quit);
    cr_assert_eq(m->exit_status, 0);
    cr_assert_null(next_packet(), "no reply to k");
}

Test(gdbstub, s370_loop_counter)
{
    world_open("s370", "interp", DOPPEL_S370_GUEST_DIR "/basic.deck");
    unsigned long loop = nm_lookup(S370_ELF, ".Lloop");
    char req[64];
    cr_assert_eq(reg32(1, true) & 0x7fffffff, 0x400, "pswa at the IPL PSW");
    snprintf(req, sizeof req, "Z0,%lx,2", loop);
    cr_assert_str_eq(ask(req), "OK");
    send_packet("c", 1);
    cr_assert_str_eq(run_for_reply(), "T05thread:01;");
    cr_assert_eq(reg32(1, true) & 0x7fffffff, loop);
    cr_assert_eq(reg32(S370_R0 + 5, true), 10);
    send_packet("c", 1);
    run_for_reply();
    cr_assert_eq(reg32(S370_R0 + 5, true), 9);
    cr_assert_eq(reg32(S370_R0 + 4, true), 3);
    /* r5 = 1: the loop ends after this pass and check 3 fails. */
    snprintf(req, sizeof req, "P%x=00000001", S370_R0 + 5);
    cr_assert_str_eq(ask(req), "OK");
    snprintf(req, sizeof req, "z0,%lx,2", loop);
    cr_assert_str_eq(ask(req), "OK");
    send_packet("c", 1);
    cr_assert_str_eq(run_for_reply(), "W03");
}

/* "s ADDR" and "c ADDR" resume at ADDR (the frontend's gdb_pc_reg):
 * step from test_main instead of the entry point, then continue from the
 * entry point again to a breakpoint at test_main. */
Test(gdbstub, resume_at_an_address)
{
    world_open("pc", "interp", X86_ELF);
    unsigned long main_pc = nm_lookup(X86_ELF, "test_main");
    unsigned long start = nm_lookup(X86_ELF, "_start");
    char req[64];
    snprintf(req, sizeof req, "s%lx", main_pc);
    send_packet(req, strlen(req));
    cr_assert_str_eq(run_for_reply(), "T05thread:01;");
    uint32_t pc = reg32(X86_EIP, false);
    cr_assert(pc > main_pc && pc < main_pc + 16, "eip %#x after a step from %#lx", pc, main_pc);
    snprintf(req, sizeof req, "Z0,%lx,1", main_pc);
    cr_assert_str_eq(ask(req), "OK");
    snprintf(req, sizeof req, "c%lx", start);
    send_packet(req, strlen(req));
    cr_assert_str_eq(run_for_reply(), "T05thread:01;");
    cr_assert_eq(reg32(X86_EIP, false), main_pc);
    world_close();

    /* S/370: pswa is the pc; a step from .Lloop leaves the loop's first
     * instruction behind. */
    world_open("s370", "interp", DOPPEL_S370_GUEST_DIR "/basic.deck");
    unsigned long loop = nm_lookup(S370_ELF, ".Lloop");
    snprintf(req, sizeof req, "s%lx", loop);
    send_packet(req, strlen(req));
    cr_assert_str_eq(run_for_reply(), "T05thread:01;");
    uint32_t pswa = reg32(1, true) & 0x7fffffff;
    cr_assert(pswa > loop && pswa <= loop + 6, "pswa %#x after a step from %#lx", pswa, loop);
}
