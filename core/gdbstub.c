/*
 * The gdbstub: GDB's remote serial protocol (GDB manual, Appendix E) on a
 * chardev, for every guest.  All-stop mode: each cpu is a thread (id =
 * cpu_index + 1); a stop of any cpu stops the machine.  Packets are
 * framed by core/gdb_packet.c; this file answers them from the cpus'
 * ArchOps (registers, target XML), core/cpu_debug.h (memory, breakpoints,
 * watchpoints, single step), core/runstate.h (stop and resume) and the
 * human monitor (qRcmd).
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
#include "core/machine.h"
#include "core/monitor.h"
#include "core/reverse.h"
#include "core/runstate.h"

/* gdb's signal numbers (include/gdb/signals.def). */
#define GDB_SIGNAL_INT  2
#define GDB_SIGNAL_TRAP 5

#define GDB_REG_MAX_BYTES 64   /* the widest register a frontend returns */
#define GDB_MAX_REGS      1024 /* probe limit when ArchOps.gdb_num_regs is 0 */
#define GDB_MAX_HW_BREAKS 64
#define GDB_STOP_MAX      96

struct GdbStub {
    Machine *m;
    Chardev *chr;
    bool own_chr;
    GdbPacketReader rd;
    bool attached;       /* a client is talking to us */
    bool client_swbreak; /* gdb said swbreak+/hwbreak+ in qSupported */
    bool client_hwbreak;
    bool waiting;                          /* gdb resumed the machine and waits for a stop reply */
    bool interrupt;                        /* Ctrl-C asked for this stop: reply T02 */
    int g_cpu;                             /* H g: registers and memory (cpu index) */
    int c_cpu;                             /* H c: what c and s resume */
    uint64_t hw_breaks[GDB_MAX_HW_BREAKS]; /* Z1 addresses, to report hwbreak */
    int n_hw_breaks;
    char last_stop[GDB_STOP_MAX]; /* the answer to '?' */
    Monitor *mon;                 /* qRcmd's monitor, made on first use */
    /* The reply being built, and the last frame sent (gdb's '-' asks for
     * it again). */
    char reply[GDB_PACKET_MAX + 1];
    size_t reply_len;
    bool reply_binary;
    bool reply_overflow;
    uint8_t frame[GDB_FRAME_MAX];
    size_t frame_len;
};

/* ---- output ---- */

static void gdb_write_raw(GdbStub *gdb, const void *buf, size_t len)
{
    chardev_write(gdb->chr, buf, len);
}

static void gdb_send(GdbStub *gdb, const char *data, size_t len, bool binary)
{
    gdb->frame_len = gdb_frame((const uint8_t *)data, len, binary, gdb->frame, sizeof gdb->frame);
    gdb_write_raw(gdb, gdb->frame, gdb->frame_len);
}

static void gdb_send_str(GdbStub *gdb, const char *s)
{
    gdb_send(gdb, s, strlen(s), false);
}

static void reply_reset(GdbStub *gdb)
{
    gdb->reply_len = 0;
    gdb->reply[0] = '\0';
    gdb->reply_binary = false;
    gdb->reply_overflow = false;
}

static void reply_bytes(GdbStub *gdb, const void *data, size_t len)
{
    if (len > GDB_PACKET_MAX - gdb->reply_len) {
        gdb->reply_overflow = true;
        return;
    }
    memcpy(gdb->reply + gdb->reply_len, data, len);
    gdb->reply_len += len;
    gdb->reply[gdb->reply_len] = '\0';
}

static void reply_str(GdbStub *gdb, const char *s)
{
    reply_bytes(gdb, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void reply_printf(GdbStub *gdb, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) reply_bytes(gdb, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void reply_hex(GdbStub *gdb, const uint8_t *data, size_t len)
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
static void reply_error(GdbStub *gdb, int err)
{
    reply_reset(gdb);
    reply_printf(gdb, "E%02d", err < 0 ? -err : err);
}

/* ---- cpus, threads and registers ---- */

static CPUState *gdb_cpu(GdbStub *gdb, int index)
{
    Machine *m = gdb->m;
    return index >= 0 && index < m->ncpus ? m->cpus[index] : m->cpus[0];
}

/* A thread id (GDB manual E.1 "thread-id"): -1 all, 0 any, else cpu + 1.
 * Returns the cpu index, -1 for "all", or -2 when there is no such cpu. */
static int parse_thread(GdbStub *gdb, const char **p)
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

static int reg_read(CPUState *cpu, int reg, uint8_t *buf)
{
    if (!cpu->arch->gdb_read_reg) return 0;
    int n = cpu->arch->gdb_read_reg(cpu, buf, reg);
    return n > 0 && n <= GDB_REG_MAX_BYTES ? n : 0;
}

/* Registers in the 'g' packet: ArchOps.gdb_num_regs, or, for a frontend
 * that does not say, as many as gdb_read_reg answers. */
static int reg_count(CPUState *cpu)
{
    if (cpu->arch->gdb_num_regs > 0) return cpu->arch->gdb_num_regs;
    uint8_t tmp[GDB_REG_MAX_BYTES];
    int n = 0;
    while (n < GDB_MAX_REGS && reg_read(cpu, n, tmp) > 0)
        n++;
    return n;
}

/* The pc's register number in the target XML (gdb-target.dtd; "regnum"
 * renumbers): the register of type code_ptr, else one named pc or pswa
 * (gdb's s390 takes its pc from pswa), else -1. */
static int pc_regnum(const char *xml)
{
    int n = 0, named = -1;
    for (const char *r = xml; r && (r = strstr(r, "<reg ")); r++) {
        const char *end = strchr(r, '>');
        if (!end) break;
        const char *num = strstr(r, "regnum=\"");
        if (num && num < end) n = atoi(num + 8);
        const char *type = strstr(r, "type=\"code_ptr\"");
        if (type && type < end) return n;
        const char *name = strstr(r, "name=\"");
        if (named < 0 && name && name < end &&
            (!strncmp(name + 6, "pc\"", 3) || !strncmp(name + 6, "pswa\"", 5)))
            named = n;
        n++;
    }
    return named;
}

/* Set the pc of cpu (c ADDR, s ADDR) in the target's byte order. */
static bool set_pc(CPUState *cpu, uint64_t addr)
{
    int reg = pc_regnum(cpu->arch->gdb_target_xml);
    uint8_t buf[GDB_REG_MAX_BYTES];
    int n = reg < 0 ? 0 : reg_read(cpu, reg, buf);
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

static void gdb_end_steps(GdbStub *gdb)
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
static bool gdb_resume(GdbStub *gdb, const char *action)
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
static void gdb_release(GdbStub *gdb)
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

/* ---- packets ---- */

/* A handler answers in gdb->reply; false: no reply now (resume, kill). */
typedef bool GdbHandler(GdbStub *gdb, const char *args, size_t len);

static bool cmd_empty(GdbStub *gdb, const char *args, size_t len)
{
    return true;
}

static bool cmd_stop_reason(GdbStub *gdb, const char *args, size_t len)
{
    if (vm_state(gdb->m) == RUN_STATE_SHUTDOWN)
        reply_printf(gdb, "W%02x", gdb->m->exit_status & 0xff);
    else
        reply_str(gdb, gdb->last_stop);
    return true;
}

static bool cmd_read_registers(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    int count = reg_count(cpu);
    for (int r = 0; r < count; r++) {
        uint8_t buf[GDB_REG_MAX_BYTES];
        int n = reg_read(cpu, r, buf);
        if (n <= 0) break; /* gdb takes the rest as unavailable */
        reply_hex(gdb, buf, (size_t)n);
    }
    if (gdb->reply_overflow) reply_error(gdb, E2BIG);
    return true;
}

/* Register sizes of cpu, in order; the total, or 0. */
static size_t reg_sizes(CPUState *cpu, int *sizes, int count)
{
    size_t total = 0;
    uint8_t tmp[GDB_REG_MAX_BYTES];
    for (int r = 0; r < count; r++) {
        sizes[r] = reg_read(cpu, r, tmp);
        if (sizes[r] <= 0) return 0;
        total += (size_t)sizes[r];
    }
    return total;
}

static bool cmd_write_registers(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    int count = reg_count(cpu);
    int sizes[GDB_MAX_REGS];
    uint8_t data[GDB_PACKET_MAX / 2];
    size_t total = count <= GDB_MAX_REGS ? reg_sizes(cpu, sizes, count) : 0;
    /* Check everything before writing anything: a bad G changes nothing. */
    if (total == 0 || len != 2 * total || total > sizeof data || !gdb_hex_decode(args, total, data))
        return reply_error(gdb, EINVAL), true;
    size_t off = 0;
    for (int r = 0; r < count; r++) {
        cpu->arch->gdb_write_reg(cpu, data + off, r);
        off += (size_t)sizes[r];
    }
    reply_str(gdb, "OK");
    return true;
}

static bool cmd_read_register(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    uint64_t reg;
    uint8_t buf[GDB_REG_MAX_BYTES];
    int n = 0;
    if (gdb_parse_hex(&args, &reg) && !*args && reg < (uint64_t)reg_count(cpu))
        n = reg_read(cpu, (int)reg, buf);
    if (n <= 0) return reply_error(gdb, EINVAL), true;
    reply_hex(gdb, buf, (size_t)n);
    return true;
}

static bool cmd_write_register(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    const char *p = args;
    uint64_t reg;
    uint8_t old[GDB_REG_MAX_BYTES], val[GDB_REG_MAX_BYTES];
    int n = 0;
    if (gdb_parse_hex(&p, &reg) && *p == '=' && reg < (uint64_t)reg_count(cpu))
        n = reg_read(cpu, (int)reg, old);
    p++;
    if (n <= 0 || strlen(p) != 2 * (size_t)n || !gdb_hex_decode(p, (size_t)n, val))
        return reply_error(gdb, EINVAL), true;
    cpu->arch->gdb_write_reg(cpu, val, (int)reg);
    reply_str(gdb, "OK");
    return true;
}

/* "addr,length" then the terminator term (':' or NUL). */
static bool parse_addr_len(const char **p, char term, uint64_t *addr, uint64_t *len)
{
    if (!gdb_parse_hex(p, addr) || **p != ',') return false;
    (*p)++;
    if (!gdb_parse_hex(p, len) || **p != term) return false;
    if (term) (*p)++;
    return true;
}

static bool cmd_read_memory(GdbStub *gdb, const char *args, size_t len)
{
    uint64_t addr, n;
    uint8_t buf[GDB_PACKET_MAX / 2];
    if (!parse_addr_len(&args, '\0', &addr, &n)) return reply_error(gdb, EINVAL), true;
    if (n > sizeof buf) n = sizeof buf; /* gdb takes a short read and asks for the rest */
    if (cpu_memory_rw_debug(gdb_cpu(gdb, gdb->g_cpu), addr, buf, n, false) < 0)
        return reply_error(gdb, EFAULT), true;
    reply_hex(gdb, buf, n);
    return true;
}

static bool write_memory(GdbStub *gdb, uint64_t addr, uint8_t *data, size_t n)
{
    if (n && cpu_memory_rw_debug(gdb_cpu(gdb, gdb->g_cpu), addr, data, n, true) < 0)
        return reply_error(gdb, EFAULT), true;
    reply_str(gdb, "OK");
    return true;
}

static bool cmd_write_memory_hex(GdbStub *gdb, const char *args, size_t len)
{
    const char *p = args;
    uint64_t addr, n;
    uint8_t data[GDB_PACKET_MAX / 2];
    if (!parse_addr_len(&p, ':', &addr, &n) || n > sizeof data ||
        (size_t)(args + len - p) != 2 * n || !gdb_hex_decode(p, n, data))
        return reply_error(gdb, EINVAL), true;
    return write_memory(gdb, addr, data, n);
}

static bool cmd_write_memory_binary(GdbStub *gdb, const char *args, size_t len)
{
    const char *p = args;
    uint64_t addr, n;
    uint8_t data[GDB_PACKET_MAX];
    if (!parse_addr_len(&p, ':', &addr, &n) || (size_t)(args + len - p) != n)
        return reply_error(gdb, EINVAL), true;
    memcpy(data, p, n);
    return write_memory(gdb, addr, data, n);
}

/* c/s/C/S [sig;][addr]: resume H c's cpu (c: all cpus). */
static bool resume_simple(GdbStub *gdb, const char *args, bool step, bool with_signal)
{
    Machine *m = gdb->m;
    if (vm_state(m) == RUN_STATE_SHUTDOWN) return cmd_stop_reason(gdb, args, 0);
    uint64_t v;
    if (with_signal) { /* the signal is dropped: a bare-metal guest has none */
        if (!gdb_parse_hex(&args, &v)) return reply_error(gdb, EINVAL), true;
        if (*args == ';') args++;
    }
    CPUState *cpu = gdb_cpu(gdb, gdb->c_cpu);
    if (*args && (!gdb_parse_hex(&args, &v) || *args || !set_pc(cpu, v)))
        return reply_error(gdb, EINVAL), true;
    char action[MACHINE_MAX_CPUS] = {0};
    for (int i = 0; i < m->ncpus; i++)
        action[i] = step ? (i == cpu->cpu_index ? 's' : 0) : 'c';
    gdb_resume(gdb, action);
    return false;
}

static bool cmd_continue(GdbStub *gdb, const char *args, size_t len)
{
    return resume_simple(gdb, args, false, false);
}

static bool cmd_continue_signal(GdbStub *gdb, const char *args, size_t len)
{
    return resume_simple(gdb, args, false, true);
}

static bool cmd_step(GdbStub *gdb, const char *args, size_t len)
{
    return resume_simple(gdb, args, true, false);
}

static bool cmd_step_signal(GdbStub *gdb, const char *args, size_t len)
{
    return resume_simple(gdb, args, true, true);
}

static bool cmd_vcont_query(GdbStub *gdb, const char *args, size_t len)
{
    reply_str(gdb, "vCont;c;C;s;S;t");
    return true;
}

/* vCont;action[:thread];...: the leftmost action naming a thread applies
 * to it (GDB manual E.2 "vCont"). */
static bool cmd_vcont(GdbStub *gdb, const char *args, size_t len)
{
    Machine *m = gdb->m;
    if (vm_state(m) == RUN_STATE_SHUTDOWN) return cmd_stop_reason(gdb, args, 0);
    char action[MACHINE_MAX_CPUS] = {0};
    bool decided[MACHINE_MAX_CPUS] = {0};
    const char *p = args;
    while (*p) {
        char kind = *p++;
        uint64_t sig;
        if (kind == 'C' || kind == 'S') {
            if (!gdb_parse_hex(&p, &sig)) return reply_error(gdb, EINVAL), true;
            kind = kind == 'C' ? 'c' : 's';
        } else if (kind != 'c' && kind != 's' && kind != 't') {
            return reply_error(gdb, EINVAL), true;
        }
        int target = -1;
        if (*p == ':') {
            p++;
            target = parse_thread(gdb, &p);
            if (target == -2) return reply_error(gdb, EINVAL), true;
        }
        if (*p && *p != ';') return reply_error(gdb, EINVAL), true;
        if (*p == ';') p++;
        for (int i = 0; i < m->ncpus; i++) {
            if (decided[i] || (target >= 0 && target != i)) continue;
            decided[i] = true;
            action[i] = kind == 't' ? 0 : kind;
        }
    }
    for (int i = 0; i < m->ncpus; i++)
        if (action[i] == 's') gdb->c_cpu = i;
    if (!gdb_resume(gdb, action)) return reply_error(gdb, EINVAL), true;
    return false;
}

static bool cmd_set_thread(GdbStub *gdb, const char *args, size_t len)
{
    char op = *args++;
    int index = parse_thread(gdb, &args);
    if ((op != 'g' && op != 'c') || index == -2 || *args) return reply_error(gdb, EINVAL), true;
    if (index < 0) index = op == 'g' ? gdb->g_cpu : gdb->c_cpu; /* -1: keep */
    if (op == 'g')
        gdb->g_cpu = index;
    else
        gdb->c_cpu = index;
    reply_str(gdb, "OK");
    return true;
}

static bool cmd_thread_alive(GdbStub *gdb, const char *args, size_t len)
{
    int index = parse_thread(gdb, &args);
    if (index < 0 || *args) return reply_error(gdb, EINVAL), true;
    reply_str(gdb, "OK");
    return true;
}

static bool cmd_current_thread(GdbStub *gdb, const char *args, size_t len)
{
    reply_printf(gdb, "QC%02x", gdb->c_cpu + 1);
    return true;
}

static bool cmd_first_thread_info(GdbStub *gdb, const char *args, size_t len)
{
    for (int i = 0; i < gdb->m->ncpus; i++)
        reply_printf(gdb, "%s%02x", i ? "," : "m", i + 1);
    return true;
}

static bool cmd_next_thread_info(GdbStub *gdb, const char *args, size_t len)
{
    reply_str(gdb, "l");
    return true;
}

static bool cmd_thread_extra_info(GdbStub *gdb, const char *args, size_t len)
{
    int index = parse_thread(gdb, &args);
    if (index < 0 || *args) return reply_error(gdb, EINVAL), true;
    CPUState *cpu = gdb->m->cpus[index];
    char text[64];
    int n = snprintf(text, sizeof text, "CPU#%d [%s]", cpu->cpu_index,
                     cpu->halted ? "halted" : "running");
    reply_hex(gdb, (const uint8_t *)text, (size_t)n);
    return true;
}

static bool cmd_attached(GdbStub *gdb, const char *args, size_t len)
{
    reply_str(gdb, "1"); /* attached to an existing process: kill is not needed on quit */
    return true;
}

static bool cmd_supported(GdbStub *gdb, const char *args, size_t len)
{
    gdb->client_swbreak = strstr(args, "swbreak+") != NULL;
    gdb->client_hwbreak = strstr(args, "hwbreak+") != NULL;
    reply_printf(gdb, "PacketSize=%x;", GDB_PACKET_MAX);
    if (gdb_cpu(gdb, 0)->arch->gdb_target_xml) reply_str(gdb, "qXfer:features:read+;");
    reply_str(gdb, "swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
    if (reverse_available(gdb->m)) reply_str(gdb, ";ReverseStep+;ReverseContinue+");
    return true;
}

/* bs, bc (GDB manual E.2): backward single step and continue, on a
 * replay (core/reverse.h).  The stop reply comes when the plan ends. */
static bool reverse_packet(GdbStub *gdb, bool step)
{
    char err[200];
    gdb->waiting = true;
    gdb->interrupt = false;
    bool ok =
        step ? reverse_step(gdb->m, err, sizeof err) : reverse_continue(gdb->m, err, sizeof err);
    if (ok) return false;
    gdb->waiting = false;
    reply_error(gdb, EINVAL);
    return true;
}

static bool cmd_reverse_step(GdbStub *gdb, const char *args, size_t len)
{
    return reverse_packet(gdb, true);
}

static bool cmd_reverse_continue(GdbStub *gdb, const char *args, size_t len)
{
    return reverse_packet(gdb, false);
}

static bool cmd_no_ack_mode(GdbStub *gdb, const char *args, size_t len)
{
    reply_str(gdb, "OK");
    gdb->rd.no_ack = true; /* from the next packet on; this one was acked */
    return true;
}

/* qXfer:features:read:annex:offset,length (GDB manual E.4 "qXfer"). */
static bool cmd_xfer_features(GdbStub *gdb, const char *args, size_t len)
{
    const char *xml = gdb_cpu(gdb, gdb->g_cpu)->arch->gdb_target_xml;
    static const char annex[] = "target.xml:";
    const char *p = args + sizeof annex - 1;
    uint64_t off, n;
    if (!xml) return true; /* not supported: empty */
    if (strncmp(args, annex, sizeof annex - 1) != 0) return reply_error(gdb, ENOENT), true;
    if (!parse_addr_len(&p, '\0', &off, &n)) return reply_error(gdb, EINVAL), true;
    size_t total = strlen(xml);
    if (off > total) off = total;
    if (n > GDB_PACKET_MAX - 1) n = GDB_PACKET_MAX - 1;
    if (n > total - off) n = total - off;
    reply_str(gdb, off + n < total ? "m" : "l");
    reply_bytes(gdb, xml + off, n);
    gdb->reply_binary = true;
    return true;
}

/* Monitor output for qRcmd: console output packets (GDB manual E.3 "O"). */
static void gdb_monitor_write(void *opaque, const char *text, size_t len)
{
    GdbStub *gdb = opaque;
    while (len > 0) {
        char pkt[GDB_PACKET_MAX];
        size_t n = len < (sizeof pkt - 1) / 2 ? len : (sizeof pkt - 1) / 2;
        pkt[0] = 'O';
        gdb_hex_encode((const uint8_t *)text, n, pkt + 1);
        gdb_send(gdb, pkt, 1 + 2 * n, false);
        text += n, len -= n;
    }
}

static bool cmd_monitor(GdbStub *gdb, const char *args, size_t len)
{
    char line[MONITOR_LINE_MAX];
    size_t n = len / 2;
    if (len % 2 || n >= sizeof line || !gdb_hex_decode(args, n, (uint8_t *)line) ||
        memchr(line, '\0', n))
        return reply_error(gdb, EINVAL), true;
    line[n] = '\0';
    if (!gdb->mon) gdb->mon = monitor_new(gdb->m, gdb_monitor_write, gdb);
    monitor_execute(gdb->mon, line);
    reply_str(gdb, "OK");
    return true;
}

/* Z/z type,addr,kind (GDB manual E.2 "Z"): 0 software and 1 hardware
 * breakpoints (the same to doppel: neither patches guest memory), 2-4
 * write/read/access watchpoints of kind bytes. */
static int breakpoint_op(CPUState *cpu, bool insert, uint64_t type, uint64_t addr, uint64_t len)
{
    if (type <= 1)
        return insert ? cpu_breakpoint_insert(cpu, addr) : cpu_breakpoint_remove(cpu, addr);
    static const WatchKind kinds[] = {WATCH_WRITE, WATCH_READ, WATCH_ACCESS};
    WatchKind kind = kinds[type - 2];
    return insert ? cpu_watchpoint_insert(cpu, addr, len, kind)
                  : cpu_watchpoint_remove(cpu, addr, len, kind);
}

static void hw_break_note(GdbStub *gdb, bool insert, uint64_t addr)
{
    for (int i = 0; i < gdb->n_hw_breaks; i++) {
        if (gdb->hw_breaks[i] != addr) continue;
        if (!insert) gdb->hw_breaks[i] = gdb->hw_breaks[--gdb->n_hw_breaks];
        return;
    }
    if (insert && gdb->n_hw_breaks < GDB_MAX_HW_BREAKS) gdb->hw_breaks[gdb->n_hw_breaks++] = addr;
}

static bool breakpoint_packet(GdbStub *gdb, const char *args, bool insert)
{
    Machine *m = gdb->m;
    uint64_t type, addr, kind;
    const char *p = args;
    if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !gdb_parse_hex(&p, &addr) || *p++ != ',' ||
        !gdb_parse_hex(&p, &kind) || (*p && *p != ';'))
        return reply_error(gdb, EINVAL), true;
    if (type > 4) return true; /* not supported: empty */
    if (type >= 2 && kind == 0) return reply_error(gdb, EINVAL), true;
    int rc = 0;
    for (int i = 0; i < m->ncpus && rc == 0; i++) {
        rc = breakpoint_op(m->cpus[i], insert, type, addr, kind);
        if (rc && insert) /* take back what the other cpus got */
            for (int k = 0; k < i; k++)
                breakpoint_op(m->cpus[k], false, type, addr, kind);
    }
    if (rc) return reply_error(gdb, rc), true;
    if (type == 1) hw_break_note(gdb, insert, addr);
    reply_str(gdb, "OK");
    return true;
}

static bool cmd_insert_breakpoint(GdbStub *gdb, const char *args, size_t len)
{
    return breakpoint_packet(gdb, args, true);
}

static bool cmd_remove_breakpoint(GdbStub *gdb, const char *args, size_t len)
{
    return breakpoint_packet(gdb, args, false);
}

static bool cmd_detach(GdbStub *gdb, const char *args, size_t len)
{
    gdb_send_str(gdb, "OK");
    gdb_release(gdb);
    return false;
}

static bool cmd_kill(GdbStub *gdb, const char *args, size_t len)
{
    gdb->attached = false; /* gdb expects no reply, not even W */
    machine_request_shutdown(gdb->m, 0, false, "host-signal");
    chardev_disconnect(gdb->chr);
    return false;
}

static bool cmd_vkill(GdbStub *gdb, const char *args, size_t len)
{
    gdb_send_str(gdb, "OK");
    return cmd_kill(gdb, args, len);
}

typedef struct GdbCommand {
    const char *name;
    bool exact; /* the whole packet, not a prefix */
    GdbHandler *fn;
} GdbCommand;

/* First match wins.  Packets not listed get the empty reply (GDB manual
 * E.1: "an empty response ... the packet is not supported"). */
static const GdbCommand gdb_commands[] = {
    {"?", true, cmd_stop_reason},
    {"g", true, cmd_read_registers},
    {"G", false, cmd_write_registers},
    {"p", false, cmd_read_register},
    {"P", false, cmd_write_register},
    {"m", false, cmd_read_memory},
    {"M", false, cmd_write_memory_hex},
    {"X", false, cmd_write_memory_binary},
    {"c", false, cmd_continue},
    {"C", false, cmd_continue_signal},
    {"s", false, cmd_step},
    {"S", false, cmd_step_signal},
    {"H", false, cmd_set_thread},
    {"T", false, cmd_thread_alive},
    {"Z", false, cmd_insert_breakpoint},
    {"z", false, cmd_remove_breakpoint},
    {"D", false, cmd_detach},
    {"k", true, cmd_kill},
    {"qSupported", false, cmd_supported},
    {"qC", true, cmd_current_thread},
    {"qfThreadInfo", true, cmd_first_thread_info},
    {"qsThreadInfo", true, cmd_next_thread_info},
    {"qThreadExtraInfo,", false, cmd_thread_extra_info},
    {"qAttached", false, cmd_attached},
    {"qXfer:features:read:", false, cmd_xfer_features},
    {"qRcmd,", false, cmd_monitor},
    {"QStartNoAckMode", true, cmd_no_ack_mode},
    {"vCont?", true, cmd_vcont_query},
    {"vCont;", false, cmd_vcont},
    {"vKill", false, cmd_vkill},
    {"vMustReplyEmpty", true, cmd_empty},
    {"bs", true, cmd_reverse_step},
    {"bc", true, cmd_reverse_continue},
};

static void gdb_handle_packet(GdbStub *gdb, const char *pkt, size_t len)
{
    reply_reset(gdb);
    for (size_t i = 0; i < sizeof gdb_commands / sizeof gdb_commands[0]; i++) {
        const GdbCommand *c = &gdb_commands[i];
        size_t n = strlen(c->name);
        if (len < n || memcmp(pkt, c->name, n) != 0 || (c->exact && len != n)) continue;
        if (c->fn(gdb, pkt + n, len - n)) {
            if (gdb->reply_overflow) reply_error(gdb, E2BIG);
            gdb_send(gdb, gdb->reply, gdb->reply_len, gdb->reply_binary);
        }
        return;
    }
    gdb_send(gdb, "", 0, false);
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
