/*
 * The gdbstub's packets (GDB manual, Appendix E): one handler per packet
 * type, found through a table by prefix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/cpu_debug.h"
#include "core/gdbstub_internal.h"
#include "core/reverse.h"
#include "core/runstate.h"

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
        gdb_reply_printf(gdb, "W%02x", gdb->m->exit_status & 0xff);
    else
        gdb_reply_str(gdb, gdb->last_stop);
    return true;
}

static bool cmd_read_registers(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    int count = gdb_reg_count(cpu);
    for (int r = 0; r < count; r++) {
        uint8_t buf[GDB_REG_MAX_BYTES];
        int n = gdb_reg_read(cpu, r, buf);
        if (n <= 0) break; /* gdb takes the rest as unavailable */
        gdb_reply_hex(gdb, buf, (size_t)n);
    }
    if (gdb->reply_overflow) gdb_reply_error(gdb, E2BIG);
    return true;
}

/* Register sizes of cpu, in order; the total, or 0. */
static size_t reg_sizes(CPUState *cpu, int *sizes, int count)
{
    size_t total = 0;
    uint8_t tmp[GDB_REG_MAX_BYTES];
    for (int r = 0; r < count; r++) {
        sizes[r] = gdb_reg_read(cpu, r, tmp);
        if (sizes[r] <= 0) return 0;
        total += (size_t)sizes[r];
    }
    return total;
}

static bool cmd_write_registers(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    int count = gdb_reg_count(cpu);
    int sizes[GDB_MAX_REGS];
    uint8_t data[GDB_PACKET_MAX / 2];
    size_t total = count <= GDB_MAX_REGS ? reg_sizes(cpu, sizes, count) : 0;
    /* Check everything before writing anything: a bad G changes nothing. */
    if (total == 0 || len != 2 * total || total > sizeof data || !gdb_hex_decode(args, total, data))
        return gdb_reply_error(gdb, EINVAL), true;
    size_t off = 0;
    for (int r = 0; r < count; r++) {
        cpu->arch->gdb_write_reg(cpu, data + off, r);
        off += (size_t)sizes[r];
    }
    gdb_reply_str(gdb, "OK");
    return true;
}

static bool cmd_read_register(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    uint64_t reg;
    uint8_t buf[GDB_REG_MAX_BYTES];
    int n = 0;
    if (gdb_parse_hex(&args, &reg) && !*args && reg < (uint64_t)gdb_reg_count(cpu))
        n = gdb_reg_read(cpu, (int)reg, buf);
    if (n <= 0) return gdb_reply_error(gdb, EINVAL), true;
    gdb_reply_hex(gdb, buf, (size_t)n);
    return true;
}

static bool cmd_write_register(GdbStub *gdb, const char *args, size_t len)
{
    CPUState *cpu = gdb_cpu(gdb, gdb->g_cpu);
    const char *p = args;
    uint64_t reg;
    uint8_t old[GDB_REG_MAX_BYTES], val[GDB_REG_MAX_BYTES];
    int n = 0;
    if (gdb_parse_hex(&p, &reg) && *p == '=' && reg < (uint64_t)gdb_reg_count(cpu))
        n = gdb_reg_read(cpu, (int)reg, old);
    p++;
    if (n <= 0 || strlen(p) != 2 * (size_t)n || !gdb_hex_decode(p, (size_t)n, val))
        return gdb_reply_error(gdb, EINVAL), true;
    cpu->arch->gdb_write_reg(cpu, val, (int)reg);
    gdb_reply_str(gdb, "OK");
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
    if (!parse_addr_len(&args, '\0', &addr, &n)) return gdb_reply_error(gdb, EINVAL), true;
    if (n > sizeof buf) n = sizeof buf; /* gdb takes a short read and asks for the rest */
    if (cpu_memory_rw_debug(gdb_cpu(gdb, gdb->g_cpu), addr, buf, n, false) < 0)
        return gdb_reply_error(gdb, EFAULT), true;
    gdb_reply_hex(gdb, buf, n);
    return true;
}

static bool write_memory(GdbStub *gdb, uint64_t addr, uint8_t *data, size_t n)
{
    if (n && cpu_memory_rw_debug(gdb_cpu(gdb, gdb->g_cpu), addr, data, n, true) < 0)
        return gdb_reply_error(gdb, EFAULT), true;
    gdb_reply_str(gdb, "OK");
    return true;
}

static bool cmd_write_memory_hex(GdbStub *gdb, const char *args, size_t len)
{
    const char *p = args;
    uint64_t addr, n;
    uint8_t data[GDB_PACKET_MAX / 2];
    if (!parse_addr_len(&p, ':', &addr, &n) || n > sizeof data ||
        (size_t)(args + len - p) != 2 * n || !gdb_hex_decode(p, n, data))
        return gdb_reply_error(gdb, EINVAL), true;
    return write_memory(gdb, addr, data, n);
}

static bool cmd_write_memory_binary(GdbStub *gdb, const char *args, size_t len)
{
    const char *p = args;
    uint64_t addr, n;
    uint8_t data[GDB_PACKET_MAX];
    if (!parse_addr_len(&p, ':', &addr, &n) || (size_t)(args + len - p) != n)
        return gdb_reply_error(gdb, EINVAL), true;
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
        if (!gdb_parse_hex(&args, &v)) return gdb_reply_error(gdb, EINVAL), true;
        if (*args == ';') args++;
    }
    CPUState *cpu = gdb_cpu(gdb, gdb->c_cpu);
    if (*args && (!gdb_parse_hex(&args, &v) || *args || !gdb_set_pc(cpu, v)))
        return gdb_reply_error(gdb, EINVAL), true;
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
    gdb_reply_str(gdb, "vCont;c;C;s;S;t");
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
            if (!gdb_parse_hex(&p, &sig)) return gdb_reply_error(gdb, EINVAL), true;
            kind = kind == 'C' ? 'c' : 's';
        } else if (kind != 'c' && kind != 's' && kind != 't') {
            return gdb_reply_error(gdb, EINVAL), true;
        }
        int target = -1;
        if (*p == ':') {
            p++;
            target = gdb_parse_thread(gdb, &p);
            if (target == -2) return gdb_reply_error(gdb, EINVAL), true;
        }
        if (*p && *p != ';') return gdb_reply_error(gdb, EINVAL), true;
        if (*p == ';') p++;
        for (int i = 0; i < m->ncpus; i++) {
            if (decided[i] || (target >= 0 && target != i)) continue;
            decided[i] = true;
            action[i] = kind == 't' ? 0 : kind;
        }
    }
    for (int i = 0; i < m->ncpus; i++)
        if (action[i] == 's') gdb->c_cpu = i;
    if (!gdb_resume(gdb, action)) return gdb_reply_error(gdb, EINVAL), true;
    return false;
}

static bool cmd_set_thread(GdbStub *gdb, const char *args, size_t len)
{
    char op = *args++;
    int index = gdb_parse_thread(gdb, &args);
    if ((op != 'g' && op != 'c') || index == -2 || *args) return gdb_reply_error(gdb, EINVAL), true;
    if (index < 0) index = op == 'g' ? gdb->g_cpu : gdb->c_cpu; /* -1: keep */
    if (op == 'g')
        gdb->g_cpu = index;
    else
        gdb->c_cpu = index;
    gdb_reply_str(gdb, "OK");
    return true;
}

static bool cmd_thread_alive(GdbStub *gdb, const char *args, size_t len)
{
    int index = gdb_parse_thread(gdb, &args);
    if (index < 0 || *args) return gdb_reply_error(gdb, EINVAL), true;
    gdb_reply_str(gdb, "OK");
    return true;
}

static bool cmd_current_thread(GdbStub *gdb, const char *args, size_t len)
{
    gdb_reply_printf(gdb, "QC%02x", gdb->c_cpu + 1);
    return true;
}

static bool cmd_first_thread_info(GdbStub *gdb, const char *args, size_t len)
{
    for (int i = 0; i < gdb->m->ncpus; i++)
        gdb_reply_printf(gdb, "%s%02x", i ? "," : "m", i + 1);
    return true;
}

static bool cmd_next_thread_info(GdbStub *gdb, const char *args, size_t len)
{
    gdb_reply_str(gdb, "l");
    return true;
}

static bool cmd_thread_extra_info(GdbStub *gdb, const char *args, size_t len)
{
    int index = gdb_parse_thread(gdb, &args);
    if (index < 0 || *args) return gdb_reply_error(gdb, EINVAL), true;
    CPUState *cpu = gdb->m->cpus[index];
    char text[64];
    int n = snprintf(text, sizeof text, "CPU#%d [%s]", cpu->cpu_index,
                     cpu->halted ? "halted" : "running");
    gdb_reply_hex(gdb, (const uint8_t *)text, (size_t)n);
    return true;
}

static bool cmd_attached(GdbStub *gdb, const char *args, size_t len)
{
    gdb_reply_str(gdb, "1"); /* attached to an existing process: kill is not needed on quit */
    return true;
}

static bool cmd_supported(GdbStub *gdb, const char *args, size_t len)
{
    gdb->client_swbreak = strstr(args, "swbreak+") != NULL;
    gdb->client_hwbreak = strstr(args, "hwbreak+") != NULL;
    gdb_reply_printf(gdb, "PacketSize=%x;", GDB_PACKET_MAX);
    if (gdb_cpu(gdb, 0)->arch->gdb_target_xml) gdb_reply_str(gdb, "qXfer:features:read+;");
    gdb_reply_str(gdb, "swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
    if (reverse_available(gdb->m)) gdb_reply_str(gdb, ";ReverseStep+;ReverseContinue+");
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
    gdb_reply_error(gdb, EINVAL);
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
    gdb_reply_str(gdb, "OK");
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
    if (strncmp(args, annex, sizeof annex - 1) != 0) return gdb_reply_error(gdb, ENOENT), true;
    if (!parse_addr_len(&p, '\0', &off, &n)) return gdb_reply_error(gdb, EINVAL), true;
    size_t total = strlen(xml);
    if (off > total) off = total;
    if (n > GDB_PACKET_MAX - 1) n = GDB_PACKET_MAX - 1;
    if (n > total - off) n = total - off;
    gdb_reply_str(gdb, off + n < total ? "m" : "l");
    gdb_reply_bytes(gdb, xml + off, n);
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
        return gdb_reply_error(gdb, EINVAL), true;
    line[n] = '\0';
    if (!gdb->mon) gdb->mon = monitor_new(gdb->m, gdb_monitor_write, gdb);
    monitor_execute(gdb->mon, line);
    gdb_reply_str(gdb, "OK");
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
        return gdb_reply_error(gdb, EINVAL), true;
    if (type > 4) return true; /* not supported: empty */
    if (type >= 2 && kind == 0) return gdb_reply_error(gdb, EINVAL), true;
    int rc = 0;
    for (int i = 0; i < m->ncpus && rc == 0; i++) {
        rc = breakpoint_op(m->cpus[i], insert, type, addr, kind);
        if (rc && insert) /* take back what the other cpus got */
            for (int k = 0; k < i; k++)
                breakpoint_op(m->cpus[k], false, type, addr, kind);
    }
    if (rc) return gdb_reply_error(gdb, rc), true;
    if (type == 1) hw_break_note(gdb, insert, addr);
    gdb_reply_str(gdb, "OK");
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

void gdb_handle_packet(GdbStub *gdb, const char *pkt, size_t len)
{
    gdb_reply_reset(gdb);
    for (size_t i = 0; i < sizeof gdb_commands / sizeof gdb_commands[0]; i++) {
        const GdbCommand *c = &gdb_commands[i];
        size_t n = strlen(c->name);
        if (len < n || memcmp(pkt, c->name, n) != 0 || (c->exact && len != n)) continue;
        if (c->fn(gdb, pkt + n, len - n)) {
            if (gdb->reply_overflow) gdb_reply_error(gdb, E2BIG);
            gdb_send(gdb, gdb->reply, gdb->reply_len, gdb->reply_binary);
        }
        return;
    }
    gdb_send(gdb, "", 0, false);
}
