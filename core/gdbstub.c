/*
 * The gdbstub: GDB's remote serial protocol (GDB manual, Appendix E) on a
 * chardev, for every guest.  All-stop mode: each cpu is a thread (id =
 * cpu_index + 1); a stop of any cpu stops the machine.  Packets are
 * framed by core/gdb_packet.c and answered by core/gdbstub_packets.c;
 * this file holds the connection, the replies, stop replies and run
 * control (core/runstate.h, core/cpu_debug.h).
 */
#include "core/gdbstub.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/cpu.h"
#include "core/cpu_debug.h"
#include "core/gdb_packet.h"
#include "core/gdbstub_internal.h"
#include "core/machine.h"
#include "core/monitor.h"
#include "core/reverse.h"
#include "core/runstate.h"

/* ---- output ---- */

static void gdb_write_raw(GdbStub *gdb, const void *buf, size_t len)
{
    chardev_write(gdb->chr, buf, len);
}

void gdb_send(GdbStub *gdb, const char *data, size_t len, bool binary)
{
    gdb->frame_len = gdb_frame((const uint8_t *)data, len, binary, gdb->frame, sizeof gdb->frame);
    gdb_write_raw(gdb, gdb->frame, gdb->frame_len);
}

void gdb_send_str(GdbStub *gdb, const char *s)
{
    gdb_send(gdb, s, strlen(s), false);
}

void gdb_reply_reset(GdbStub *gdb)
{
    gdb->reply_len = 0;
    gdb->reply[0] = '\0';
    gdb->reply_binary = false;
    gdb->reply_overflow = false;
}

void gdb_reply_bytes(GdbStub *gdb, const void *data, size_t len)
{
    if (len > GDB_PACKET_MAX - gdb->reply_len) {
        gdb->reply_overflow = true;
        return;
    }
    memcpy(gdb->reply + gdb->reply_len, data, len);
    gdb->reply_len += len;
    gdb->reply[gdb->reply_len] = '\0';
}

void gdb_reply_str(GdbStub *gdb, const char *s)
{
    gdb_reply_bytes(gdb, s, strlen(s));
}

void gdb_reply_printf(GdbStub *gdb, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) gdb_reply_bytes(gdb, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void gdb_reply_hex(GdbStub *gdb, const uint8_t *data, size_t len)
{
    if (2 * len > GDB_PACKET_MAX - gdb->reply_len) {
        gdb->reply_overflow = true;
        return;
    }
    gdb_hex_encode(data, len, gdb->reply + gdb->reply_len);
    gdb->reply_len += 2 * len;
    gdb->reply[gdb->reply_len] = '\0';
}

/* "Exx" with a decimal errno, as QEMU and gdbserver answer (E14: EFAULT). */
void gdb_reply_error(GdbStub *gdb, int err)
{
    gdb_reply_reset(gdb);
    gdb_reply_printf(gdb, "E%02d", err < 0 ? -err : err);
}

/* ---- cpus, threads and registers ---- */

CPUState *gdb_cpu(GdbStub *gdb, int index)
{
    Machine *m = gdb->m;
    return index >= 0 && index < m->ncpus ? m->cpus[index] : m->cpus[0];
}

/* A thread id (GDB manual E.1 "thread-id"): -1 all, 0 any, else cpu + 1.
 * Returns the cpu index, -1 for "all", or -2 when there is no such cpu. */
int gdb_parse_thread(GdbStub *gdb, const char **p)
{
    if (**p == '-' && (*p)[1] == '1') {
        *p += 2;
        return -1;
    }
    uint64_t tid;
    if (!gdb_parse_hex(p, &tid)) return -2;
    if (tid == 0) return 0;
    return tid <= (uint64_t)gdb->m->ncpus ? (int)tid - 1 : -2;
}

int gdb_reg_read(CPUState *cpu, int reg, uint8_t *buf)
{
    if (!cpu->arch->gdb_read_reg) return 0;
    int n = cpu->arch->gdb_read_reg(cpu, buf, reg);
    return n > 0 && n <= GDB_REG_MAX_BYTES ? n : 0;
}

/* Registers in the 'g' packet: ArchOps.gdb_num_regs, or, for a frontend
 * that does not say, as many as gdb_read_reg answers. */
int gdb_reg_count(CPUState *cpu)
{
    if (cpu->arch->gdb_num_regs > 0) return cpu->arch->gdb_num_regs;
    uint8_t tmp[GDB_REG_MAX_BYTES];
    int n = 0;
    while (n < GDB_MAX_REGS && gdb_reg_read(cpu, n, tmp) > 0)
        n++;
    return n;
}

/* Set the pc of cpu (c ADDR, s ADDR) in the target's byte order. */
bool gdb_set_pc(CPUState *cpu, uint64_t addr)
{
    const ArchOps *a = cpu->arch;
    int reg = a->gdb_pc_reg < gdb_reg_count(cpu) && a->gdb_write_reg ? a->gdb_pc_reg : -1;
    uint8_t buf[GDB_REG_MAX_BYTES];
    int n = reg < 0 ? 0 : gdb_reg_read(cpu, reg, buf);
    if (n <= 0 || n > 8) return false;
    for (int i = 0; i < n; i++) {
        int shift = 8 * (cpu->arch->big_endian ? n - 1 - i : i);
        buf[i] = (uint8_t)(addr >> shift);
    }
    return cpu->arch->gdb_write_reg(cpu, buf, reg) == n;
}

/* ---- stop replies and run control ---- */

static bool hw_break_at(GdbStub *gdb, uint64_t addr)
{
    for (int i = 0; i < gdb->n_hw_breaks; i++)
        if (gdb->hw_breaks[i] == addr) return true;
    return false;
}

/* The cpu whose debug event stopped the machine (else H c's). */
static int stopped_cpu(GdbStub *gdb)
{
    for (int i = 0; i < gdb->m->ncpus; i++)
        if (cpu_debug_stop_reason(gdb->m->cpus[i])->kind != DEBUG_STOP_NONE) return i;
    return gdb->c_cpu;
}

/* GDB manual E.3 Stop Reply Packets: T05thread:NN;[reason:value;] */
static void build_stop_reply(GdbStub *gdb, int sig)
{
    int index = stopped_cpu(gdb);
    CPUState *cpu = gdb_cpu(gdb, index);
    char *s = gdb->last_stop;
    size_t cap = sizeof gdb->last_stop;
    int n = snprintf(s, cap, "T%02xthread:%02x;", sig, cpu->cpu_index + 1);
    const CpuDebugStop *why = cpu_debug_stop_reason(cpu);
    static const char *const watch_names[] = {
        [WATCH_WRITE] = "watch", [WATCH_READ] = "rwatch", [WATCH_ACCESS] = "awatch"};
    if (sig != GDB_SIGNAL_TRAP) {
        /* Ctrl-C: no reason */
    } else if (why->kind == DEBUG_STOP_WATCHPOINT && why->watch >= WATCH_WRITE &&
               why->watch <= WATCH_ACCESS) {
        snprintf(s + n, cap - (size_t)n, "%s:%llx;", watch_names[why->watch],
                 (unsigned long long)why->watch_addr);
    } else if (why->kind == DEBUG_STOP_BREAKPOINT) {
        bool hw = hw_break_at(gdb, why->addr);
        if (hw && gdb->client_hwbreak)
            snprintf(s + n, cap - (size_t)n, "hwbreak:;");
        else if (!hw && gdb->client_swbreak)
            snprintf(s + n, cap - (size_t)n, "swbreak:;");
    }
    /* Reverse execution reached an end of the recorded history. */
    ReverseEdge edge = reverse_last_edge(gdb->m);
    size_t used = strlen(s);
    if (edge != REVERSE_EDGE_NONE)
        snprintf(s + used, cap - used, "replaylog:%s;",
                 edge == REVERSE_EDGE_BEGIN ? "begin" : "end");
    gdb->g_cpu = gdb->c_cpu = index;
}

void gdb_end_steps(GdbStub *gdb)
{
    for (int i = 0; i < gdb->m->ncpus; i++)
        if (cpu_single_stepping(gdb->m->cpus[i])) cpu_single_step(gdb->m->cpus[i], false);
}

static void gdb_send_exit(GdbStub *gdb)
{
    char w[8];
    snprintf(w, sizeof w, "W%02x", gdb->m->exit_status & 0xff);
    gdb_send_str(gdb, w);
}

static void gdb_vm_event(void *opaque, VmEvent event, const VmEventInfo *info)
{
    GdbStub *gdb = opaque;
    if (event == VM_EVENT_SHUTDOWN && gdb->attached) {
        gdb->waiting = false;
        gdb_send_exit(gdb);
        return;
    }
    if (event != VM_EVENT_STOP || !gdb->waiting) return;
    gdb->waiting = false;
    gdb_end_steps(gdb);
    /* A stop gdb did not cause (the monitor's stop) reads as an interrupt. */
    bool trap = info->state == RUN_STATE_DEBUG && !gdb->interrupt;
    gdb->interrupt = false;
    build_stop_reply(gdb, trap ? GDB_SIGNAL_TRAP : GDB_SIGNAL_INT);
    gdb_send_str(gdb, gdb->last_stop);
}

/* Run the machine: action[i] is 'c', 's' or 0 (cpu i stays stopped). */
bool gdb_resume(GdbStub *gdb, const char *action)
{
    Machine *m = gdb->m;
    bool any = false;
    for (int i = 0; i < m->ncpus; i++)
        any |= action[i] != 0;
    if (!any) return false;
    for (int i = 0; i < m->ncpus; i++) {
        if (!action[i]) continue;
        cpu_debug_resume(m->cpus[i]);
        cpu_single_step(m->cpus[i], action[i] == 's');
    }
    gdb->waiting = true;
    gdb->interrupt = false;
    vm_start(m);
    /* All-stop with per-thread actions: the others stay put (as QEMU's
     * partial continue). */
    for (int i = 0; i < m->ncpus; i++)
        if (!action[i]) m->cpus[i]->stopped = true;
    return true;
}

/* Forget what this client set: breakpoints, watchpoints, steps; resume
 * the machine if the debugger stopped it. */
void gdb_release(GdbStub *gdb)
{
    for (int i = 0; i < gdb->m->ncpus; i++)
        cpu_debug_remove_all(gdb->m->cpus[i]);
    gdb_end_steps(gdb);
    gdb->n_hw_breaks = 0;
    gdb->waiting = gdb->interrupt = false;
    gdb->attached = false;
    gdb->m->debugger_attached = false;
    if (vm_state(gdb->m) == RUN_STATE_DEBUG) vm_start(gdb->m);
}

/* A client arrived: stop the machine, as QEMU does on attach. */
static void gdb_attach(GdbStub *gdb)
{
    gdb->attached = true;
    gdb->m->debugger_attached = true;
    gdb->waiting = gdb->interrupt = false;
    gdb->client_swbreak = gdb->client_hwbreak = false;
    gdb->g_cpu = gdb->c_cpu = 0;
    snprintf(gdb->last_stop, sizeof gdb->last_stop, "T%02xthread:01;", GDB_SIGNAL_TRAP);
    if (vm_running(gdb->m)) vm_stop(gdb->m, RUN_STATE_DEBUG);
}

static void gdb_interrupt(GdbStub *gdb)
{
    if (vm_running(gdb->m)) {
        gdb->interrupt = true;
        vm_stop(gdb->m, RUN_STATE_DEBUG); /* the listener replies T02 */
    } else if (gdb->waiting) {
        gdb->waiting = false;
        build_stop_reply(gdb, GDB_SIGNAL_INT);
        gdb_send_str(gdb, gdb->last_stop);
    }
}

static void gdb_receive(void *opaque, const uint8_t *buf, size_t len)
{
    GdbStub *gdb = opaque;
    while (len > 0) {
        GdbInputEvent ev;
        size_t n = gdb_reader_push(&gdb->rd, buf, len, &ev);
        buf += n, len -= n;
        if (ev != GDB_INPUT_NONE && !gdb->attached)
            gdb_attach(gdb); /* a new session on an always-open backend */
        switch (ev) {
        case GDB_INPUT_NONE: break;
        case GDB_INPUT_PACKET:
            if (!gdb->rd.no_ack) gdb_write_raw(gdb, "+", 1);
            gdb_handle_packet(gdb, gdb->rd.data, gdb->rd.len);
            break;
        case GDB_INPUT_BAD:
            if (!gdb->rd.no_ack) gdb_write_raw(gdb, "-", 1);
            break;
        case GDB_INPUT_NACK:
            if (gdb->frame_len) gdb_write_raw(gdb, gdb->frame, gdb->frame_len);
            break;
        case GDB_INPUT_INTERRUPT: gdb_interrupt(gdb); break;
        }
    }
}

static void gdb_chr_event(void *opaque, ChardevEvent event)
{
    GdbStub *gdb = opaque;
    gdb_reader_init(&gdb->rd); /* each client starts with acks on */
    if (event == CHARDEV_EVENT_OPENED)
        gdb_attach(gdb);
    else
        gdb_release(gdb);
}

/* ---- life cycle ---- */

GdbStub *gdbstub_new(Machine *m, Chardev *chr)
{
    if (!m || !chr || m->ncpus == 0) return NULL;
    GdbStub *gdb = calloc(1, sizeof *gdb);
    if (!gdb) return NULL;
    gdb->m = m;
    gdb->chr = chr;
    gdb_reader_init(&gdb->rd);
    if (!vm_add_listener(m, gdb_vm_event, gdb)) {
        free(gdb);
        return NULL;
    }
    chardev_set_handlers(chr, NULL, gdb_receive, gdb);
    chardev_set_event_handler(chr, gdb_chr_event, gdb); /* OPENED now if connected */
    return gdb;
}

/* QEMU's -gdb: a server that does not wait for the client. */
static void gdb_chardev_spec(const char *spec, char *out, size_t outlen)
{
    size_t digits = strspn(spec, "0123456789");
    if (digits > 0 && spec[digits] == '\0') {
        snprintf(out, outlen, "tcp::%s,server=on,wait=off", spec);
        return;
    }
    if (strncmp(spec, "tcp:", 4) != 0 && strncmp(spec, "unix:", 5) != 0) {
        snprintf(out, outlen, "%s", spec);
        return;
    }
    const char *opts = strchr(spec, ',');
    snprintf(out, outlen, "%s%s%s", spec, opts && strstr(opts, "server") ? "" : ",server=on",
             opts && strstr(opts, "wait") ? "" : ",wait=off");
}

GdbStub *gdbstub_create(Machine *m, const char *spec, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!spec || strcmp(spec, "none") == 0) return NULL;
    char full[512], why[256];
    gdb_chardev_spec(spec, full, sizeof full);
    Chardev *chr = chardev_from_spec(m, full, why, sizeof why);
    if (!chr) {
        snprintf(err, errlen, "-gdb %s: %s", spec, why[0] ? why : "no such chardev");
        return NULL;
    }
    GdbStub *gdb = gdbstub_new(m, chr);
    if (!gdb) {
        chardev_close(chr);
        snprintf(err, errlen, "-gdb %s: cannot start the gdbstub", spec);
        return NULL;
    }
    gdb->own_chr = true;
    return gdb;
}

void gdbstub_free(GdbStub *gdb)
{
    if (!gdb) return;
    vm_remove_listener(gdb->m, gdb);
    chardev_set_event_handler(gdb->chr, NULL, NULL);
    chardev_set_handlers(gdb->chr, NULL, NULL, NULL);
    monitor_free(gdb->mon);
    if (gdb->own_chr) chardev_close(gdb->chr);
    free(gdb);
}
