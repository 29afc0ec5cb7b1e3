/*
 * IBM 3278 model 2 display station (24 x 80) on a locally attached,
 * non-SNA 3274 control unit, as a channel unit whose screen and keyboard
 * are a tn3270 client of the machine's TN3270 server (tn3270_server.h).
 *
 * Channel commands ("IBM 3174 Functional Description", GA23-0218, and
 * "3270 Information Display System Data Stream Programmer's Reference",
 * GA23-0059, ch. 3): Write 01, Erase/Write 05, Erase/Write Alternate 0D,
 * Erase All Unprotected 0F, Write Structured Field 11, Read Buffer 02,
 * Read Modified 06, NOP 03, Select 0B (and its 1B 2B 3B 4B variants),
 * Sense ID E4; basic SENSE is the channel's.  Anything else is rejected.
 *
 * doppel keeps no copy of the screen buffer: the client holds it.  Write-
 * type commands go to the client as the remote (tn3270) command of the
 * same meaning (Write F1, EW F5, EWA 7E, EAU 6F, WSF F3) followed by the
 * data.  An AID the operator sends (Enter, PF, PA, Clear) is kept and
 * announced with attention; the next Read Modified or Read Buffer returns
 * it.  A read with nothing kept asks the client (RM F6, RB F2) and waits
 * for its answer.  A terminal with no client is not ready: commands end
 * with unit check, intervention required; a client connecting makes it
 * ready, with device end (not-ready to ready) as Hercules presents it.
 *
 * Command chaining on a local 3274: a chained Write continues at the
 * buffer address where the previous command left off, where a remote
 * Write starts at the cursor, so a chained Write that does not position
 * itself first gets a Set Buffer Address inserted after its WCC.  The
 * address follows the orders of the outbound data (GA23-0059 ch. 4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "devices/terminal/tn3270_server.h"
#include "devices/unitrec/unitrec.h"

#define DISPLAY_DEFAULT_PORT 3270 /* Hercules' CNSLPORT default */
#define SCREEN_POSITIONS     (24 * 80)
#define CCW_FLAG_CC          0x40 /* PoO-370 §13 "Channel Command Word": command chaining */

enum {
    CMD_WRITE = 0x01,
    CMD_READ_BUFFER = 0x02,
    CMD_NOP = 0x03,
    CMD_ERASE_WRITE = 0x05,
    CMD_READ_MODIFIED = 0x06,
    CMD_SELECT = 0x0b,
    CMD_ERASE_WRITE_ALTERNATE = 0x0d,
    CMD_ERASE_ALL_UNPROTECTED = 0x0f,
    CMD_WRITE_STRUCTURED_FIELD = 0x11,
    CMD_SENSE_ID = 0xe4,
};

/* The remote commands of GA23-0059 ch. 3, as tn3270 carries them. */
enum {
    REMOTE_WRITE = 0xf1,
    REMOTE_READ_BUFFER = 0xf2,
    REMOTE_WRITE_STRUCTURED_FIELD = 0xf3,
    REMOTE_ERASE_WRITE = 0xf5,
    REMOTE_READ_MODIFIED = 0xf6,
    REMOTE_ERASE_ALL_UNPROTECTED = 0x6f,
    REMOTE_ERASE_WRITE_ALTERNATE = 0x7e,
};

/* Attention identifiers that no operator key sends (GA23-0059 ch. 3
 * "Attention Identifier"): the answer to a read the host asked for. */
enum {
    AID_NO_AID = 0x60,
    AID_READ_PARTITION = 0x61,
};

/* Outbound orders (GA23-0059 ch. 4). */
enum {
    ORDER_PT = 0x05,
    ORDER_GE = 0x08,
    ORDER_SBA = 0x11,
    ORDER_EUA = 0x12,
    ORDER_IC = 0x13,
    ORDER_SF = 0x1d,
    ORDER_SA = 0x28,
    ORDER_SFE = 0x29,
    ORDER_MF = 0x2c,
    ORDER_RA = 0x3c,
};

/* SENSE ID of a 3278-2 on a 3274-1D (as Hercules reports it). */
static const uint8_t display_sense_id[7] = {0xff, 0x32, 0x74, 0x1d, 0x32, 0x78, 0x02};

/* The 6-bit codes of 12-bit buffer addresses (GA23-0059, buffer address
 * code table). */
static const uint8_t address_code[64] = {
    0x40, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
    0x50, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
};

typedef struct Display3270 {
    Device dev;
    char *devno;
    uint32_t port;
    char *group;
    ChannelUnit unit;
    Tn3270Terminal *term;
    uint8_t sense;
    uint8_t read_waiting; /* the read command waiting for the client's answer, 0: none */
    bool chained;         /* the last command ended normally and chains to the next */
    uint16_t buffer_addr; /* where a chained Write continues */
    /* Host state (not in the snapshot): the operator's unread record. */
    uint8_t *inbound;
    size_t inbound_len;
    bool inbound_ready;
} Display3270;

/* ---- buffer address tracking ---- */

typedef struct OrderScan {
    uint16_t pos;
    uint8_t order; /* order whose argument bytes follow, 0: none */
    uint8_t left;  /* argument bytes still to come */
    uint8_t nargs;
    uint8_t arg[3];
} OrderScan;

static uint16_t decode_address(const uint8_t a[2])
{
    unsigned v = (a[0] & 0xc0) == 0 ? (unsigned)(a[0] << 8 | a[1]) & 0x3fff
                                    : (unsigned)(a[0] & 0x3f) << 6 | (a[1] & 0x3f);
    return (uint16_t)(v % SCREEN_POSITIONS);
}

static void scan_advance(OrderScan *o)
{
    o->pos = (uint16_t)((o->pos + 1) % SCREEN_POSITIONS);
}

static void scan_order_done(OrderScan *o)
{
    switch (o->order) {
    case ORDER_SBA:
    case ORDER_EUA:
    case ORDER_RA: o->pos = decode_address(o->arg); break;
    case ORDER_SF:
    case ORDER_SFE:
    case ORDER_MF:
    case ORDER_GE: scan_advance(o); break;
    default: break; /* SA: no position */
    }
    o->order = 0;
}

static void scan_byte(OrderScan *o, uint8_t b)
{
    if (o->order) {
        if (o->nargs < sizeof o->arg) o->arg[o->nargs] = b;
        o->nargs++;
        o->left--;
        /* Start Field Extended and Modify Field: a count of pairs. */
        if ((o->order == ORDER_SFE || o->order == ORDER_MF) && o->nargs == 1) o->left = 2 * b;
        /* Repeat to Address of a Graphic Escape character: one more. */
        if (o->order == ORDER_RA && o->nargs == 3 && b == ORDER_GE) o->left = 1;
        if (o->left == 0) scan_order_done(o);
        return;
    }
    static const uint8_t arg_bytes[64] = {
        [ORDER_GE] = 1, [ORDER_SBA] = 2, [ORDER_EUA] = 2, [ORDER_SF] = 1,
        [ORDER_SA] = 2, [ORDER_SFE] = 1, [ORDER_MF] = 1,  [ORDER_RA] = 3,
    };
    if (b < 64 && arg_bytes[b]) {
        o->order = b;
        o->left = arg_bytes[b];
        o->nargs = 0;
    } else if (b != ORDER_IC && b != ORDER_PT) {
        scan_advance(o);
    }
}

/* ---- outbound ---- */

static bool display_extended(const Display3270 *s)
{
    const char *type = tn3270_terminal_type(s->term);
    if (!type) return false;
    size_t n = strlen(type);
    return !strcasecmp(type, "IBM-DYNAMIC") || (n > 2 && !strcasecmp(type + n - 2, "-E"));
}

/* A write-type command: the remote command, the program's data (with an
 * SBA for a chained Write that does not position itself), the end of
 * the record. */
static int display_write(Display3270 *s, ChannelXfer *x, uint8_t cmd, uint8_t remote, bool chained)
{
    uint8_t buf[4096];
    bool ok = tn3270_terminal_send(s->term, &remote, 1);
    bool has_wcc = cmd != CMD_WRITE_STRUCTURED_FIELD;
    bool insert_sba = cmd == CMD_WRITE && chained && s->buffer_addr != 0;
    OrderScan scan = {.pos = cmd == CMD_WRITE ? s->buffer_addr : 0};
    size_t seen = 0, n;
    while (has_wcc && (n = channel_xfer_take(x, buf, sizeof buf)) > 0) {
        size_t from = 0;
        for (size_t i = 0; i < n; i++, seen++) {
            if (seen == 0) continue; /* the WCC */
            if (seen == 1 && insert_sba && buf[i] != ORDER_SBA && buf[i] != ORDER_RA &&
                buf[i] != ORDER_EUA) {
                uint8_t sba[3] = {ORDER_SBA, address_code[scan.pos >> 6],
                                  address_code[scan.pos & 0x3f]};
                ok &= tn3270_terminal_send(s->term, buf + from, i - from);
                ok &= tn3270_terminal_send(s->term, sba, sizeof sba);
                from = i;
            }
            scan_byte(&scan, buf[i]);
        }
        ok &= tn3270_terminal_send(s->term, buf + from, n - from);
    }
    while (!has_wcc && (n = channel_xfer_take(x, buf, sizeof buf)) > 0)
        ok &= tn3270_terminal_send(s->term, buf, n);
    ok &= tn3270_terminal_end_record(s->term);
    s->buffer_addr = has_wcc ? scan.pos : 0;
    if (!ok) {
        s->sense = SENSE_INTERVENTION_REQUIRED;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    return UNIT_CE_DE;
}

/* A command with no data for the terminal but the remote command. */
static int display_control(Display3270 *s, uint8_t remote)
{
    if (!tn3270_terminal_send(s->term, &remote, 1) || !tn3270_terminal_end_record(s->term)) {
        s->sense = SENSE_INTERVENTION_REQUIRED;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    return UNIT_CE_DE;
}

/* ---- inbound ---- */

static void display_forget_inbound(Display3270 *s)
{
    s->inbound_ready = false;
    s->inbound_len = 0;
}

static void display_deliver(Display3270 *s, ChannelXfer *x)
{
    channel_xfer_to_storage(x, s->inbound, s->inbound_len);
    display_forget_inbound(s);
}

/* The status that ends a command; remembers whether the next command
 * continues the chain. */
static int display_ended(Display3270 *s, ChannelXfer *x, int status)
{
    s->chained = status == UNIT_CE_DE && (channel_xfer_flags(x) & CCW_FLAG_CC);
    return status;
}

static int display_read(Display3270 *s, ChannelXfer *x, uint8_t cmd)
{
    if (s->inbound_ready) {
        display_deliver(s, x);
        return UNIT_CE_DE;
    }
    uint8_t remote = cmd == CMD_READ_MODIFIED ? REMOTE_READ_MODIFIED : REMOTE_READ_BUFFER;
    if (!tn3270_terminal_send(s->term, &remote, 1) || !tn3270_terminal_end_record(s->term)) {
        s->sense = SENSE_INTERVENTION_REQUIRED;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    s->read_waiting = cmd;
    return CHANNEL_UNIT_WAIT;
}

static bool display_command_valid(uint8_t cmd)
{
    switch (cmd) {
    case CMD_WRITE:
    case CMD_READ_BUFFER:
    case CMD_NOP:
    case CMD_ERASE_WRITE:
    case CMD_READ_MODIFIED:
    case CMD_ERASE_WRITE_ALTERNATE:
    case CMD_ERASE_ALL_UNPROTECTED:
    case CMD_WRITE_STRUCTURED_FIELD:
    case CMD_SENSE_ID:
    case CMD_SELECT:
    case 0x1b: /* the Select variants of the 3272 (RB, RM and write forms) */
    case 0x2b:
    case 0x3b:
    case 0x4b: return true;
    default: return false;
    }
}

static int display_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    Display3270 *s = u->opaque;
    bool chained = s->chained;
    s->chained = false;
    s->sense = 0;
    if (!display_command_valid(cmd)) {
        LOG_MASK(LOG_GUEST_ERRORS, "3270 %04x: command %02x rejected\n", u->devno, cmd);
        s->sense = SENSE_COMMAND_REJECT;
        return UNIT_CE_DE | UNIT_CHECK;
    }
    if (cmd == CMD_SENSE_ID) {
        channel_xfer_to_storage(x, display_sense_id, sizeof display_sense_id);
        return display_ended(s, x, UNIT_CE_DE);
    }
    if (!tn3270_terminal_connected(s->term)) {
        /* A device that is not ready ends the command at initial
         * selection with unit check alone (GA23-0218-11 §3.1.3.2.2,
         * table 5-5, as Hercules cites it). */
        s->sense = SENSE_INTERVENTION_REQUIRED;
        return UNIT_CHECK;
    }
    if (!chained) s->buffer_addr = 0;
    int st;
    switch (cmd) {
    case CMD_WRITE: st = display_write(s, x, cmd, REMOTE_WRITE, chained); break;
    case CMD_ERASE_WRITE: st = display_write(s, x, cmd, REMOTE_ERASE_WRITE, chained); break;
    case CMD_ERASE_WRITE_ALTERNATE:
        st = display_write(s, x, cmd, REMOTE_ERASE_WRITE_ALTERNATE, chained);
        break;
    case CMD_WRITE_STRUCTURED_FIELD:
        if (!display_extended(s)) { /* a plain 3278-2 has no structured fields */
            s->sense = SENSE_COMMAND_REJECT;
            return UNIT_CE_DE | UNIT_CHECK;
        }
        st = display_write(s, x, cmd, REMOTE_WRITE_STRUCTURED_FIELD, chained);
        break;
    case CMD_ERASE_ALL_UNPROTECTED:
        s->buffer_addr = 0;
        st = display_control(s, REMOTE_ERASE_ALL_UNPROTECTED);
        break;
    case CMD_READ_BUFFER:
    case CMD_READ_MODIFIED:
        st = display_read(s, x, cmd);
        if (st == CHANNEL_UNIT_WAIT) return st;
        break;
    default: /* NOP, Select */
        s->buffer_addr = 0;
        st = UNIT_CE_DE;
        break;
    }
    return display_ended(s, x, st);
}

static unsigned display_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    Display3270 *s = u->opaque;
    if (len) buf[0] = s->sense;
    s->sense = 0;
    return 1;
}

static void display_halt(ChannelUnit *u)
{
    Display3270 *s = u->opaque;
    s->read_waiting = 0;
    s->chained = false;
}

static void display_unit_reset(ChannelUnit *u)
{
    Display3270 *s = u->opaque;
    s->sense = 0;
    s->read_waiting = 0;
    s->chained = false;
    s->buffer_addr = 0;
    display_forget_inbound(s);
}

static const ChannelUnitOps display_unit_ops = {
    .execute = display_execute,
    .sense = display_sense,
    .halt = display_halt,
    .reset = display_unit_reset,
};

/* ---- the client ---- */

static void display_connected(void *opaque)
{
    Display3270 *s = opaque;
    display_forget_inbound(s);
    channel_unit_status(&s->unit, UNIT_DEVICE_END);
}

/* The end of a read that waited for the client. */
static void display_read_done(Display3270 *s, bool ok)
{
    ChannelXfer *x = channel_unit_xfer(&s->unit);
    s->read_waiting = 0;
    if (!x) return;
    int st = UNIT_CE_DE;
    if (ok) {
        display_deliver(s, x);
    } else {
        s->sense = SENSE_INTERVENTION_REQUIRED;
        st |= UNIT_CHECK;
    }
    channel_unit_complete(&s->unit, (uint8_t)display_ended(s, x, st));
}

static void display_record(void *opaque, const uint8_t *data, size_t len)
{
    Display3270 *s = opaque;
    if (len == 0) return;
    if (!s->inbound && !(s->inbound = malloc(TN3270_RECORD_MAX))) return;
    if (len > TN3270_RECORD_MAX) len = TN3270_RECORD_MAX;
    memcpy(s->inbound, data, len);
    s->inbound_len = len;
    if (s->read_waiting) {
        display_read_done(s, true);
        return;
    }
    /* The answer to a read that was halted meanwhile: nobody wants it. */
    if (data[0] == AID_NO_AID || data[0] == AID_READ_PARTITION) {
        display_forget_inbound(s);
        return;
    }
    s->inbound_ready = true;
    channel_unit_status(&s->unit, UNIT_ATTENTION);
}

static void display_disconnected(void *opaque)
{
    Display3270 *s = opaque;
    display_forget_inbound(s);
    if (s->read_waiting) display_read_done(s, false);
}

static const Tn3270TerminalOps display_terminal_ops = {
    .connected = display_connected,
    .record = display_record,
    .disconnected = display_disconnected,
};

/* ---- device ---- */

/* Hercules' terminal group names: 1 to 8 letters and digits starting with
 * a letter, and not a hexadecimal number (which would name a device). */
static bool group_valid(const char *g)
{
    size_t n = strlen(g);
    bool hex = true;
    if (n == 0 || n > 8 || !((g[0] >= 'A' && g[0] <= 'Z') || (g[0] >= 'a' && g[0] <= 'z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = g[i];
        bool digit = c >= '0' && c <= '9';
        bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!digit && !letter) return false;
        if (!digit && !((c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) hex = false;
    }
    return !(hex && n <= 4);
}

static bool display_realize(Device *dev, Machine *m)
{
    Display3270 *s = (Display3270 *)dev;
    const char *type = dev->class->name;
    if (s->port > 65535) {
        fprintf(stderr, "doppel: %s: port=%u is not a TCP port (0 to 65535)\n", type, s->port);
        return false;
    }
    if (s->group && s->group[0] && !group_valid(s->group)) {
        fprintf(stderr,
                "doppel: %s: group '%s' is not 1 to 8 letters and digits starting with a "
                "letter (and not a device number)\n",
                type, s->group);
        return false;
    }
    if (!unitrec_attach(dev, m, &s->unit, s->devno, &display_unit_ops)) return false;
    Tn3270Server *srv = tn3270_server_get(m, (uint16_t)s->port);
    s->term =
        srv ? tn3270_terminal_new(srv, s->unit.devno, s->group, &display_terminal_ops, s) : NULL;
    if (!s->term) {
        if (srv) fprintf(stderr, "doppel: %s: out of memory\n", type);
        unitrec_detach(&s->unit);
        return false;
    }
    return true;
}

static void display_reset(Device *dev)
{
    display_unit_reset(&((Display3270 *)dev)->unit);
}

static void display_finalize(Device *dev)
{
    Display3270 *s = (Display3270 *)dev;
    tn3270_terminal_free(s->term);
    s->term = NULL;
    unitrec_detach(&s->unit);
    free(s->inbound);
}

static const Property display_props[] = {
    DEFINE_PROP_STRING("devno", Display3270, devno, NULL, "device number, hex (e.g. 0c0)"),
    DEFINE_PROP_U32("port", Display3270, port, DISPLAY_DEFAULT_PORT,
                    "TCP port on 127.0.0.1 for tn3270 clients (0: any free port)"),
    DEFINE_PROP_STRING("group", Display3270, group, NULL,
                       "terminal group: clients asking for IBM-3278@GROUP get it"),
    DEFINE_PROP_END,
};

/* The connection and an unread inbound record are host state and are not
 * part of the snapshot. */
static void display_post_load(Device *dev)
{
    channel_unit_post_load(&((Display3270 *)dev)->unit);
}

static const VMStateField display_vmstate[] = {
    VMSTATE_U8(Display3270, sense),          VMSTATE_U8(Display3270, read_waiting),
    VMSTATE_BOOL(Display3270, chained),      VMSTATE_U16(Display3270, buffer_addr),
    CHANNEL_UNIT_VMSTATE(Display3270, unit), VMSTATE_END,
};

#define DISPLAY_CLASS(var, name_, desc_)                                                           \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(Display3270),                                                      \
        .props = display_props,                                                                    \
        .vmstate = display_vmstate,                                                                \
        .vmstate_version = 2,                                                                      \
        .realize = display_realize,                                                                \
        .reset = display_reset,                                                                    \
        .post_load = display_post_load,                                                            \
        .finalize = display_finalize,                                                              \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

DISPLAY_CLASS(display3270_class, "3270",
              "IBM 3270 display (3278-2) for tn3270 clients on 127.0.0.1");
DISPLAY_CLASS(display3278_class, "3278", "IBM 3278-2 display (as 3270)");
