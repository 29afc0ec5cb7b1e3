/*
 * Fixed-block DASD: the IBM 3370 (and 3310) on a Hercules FBA image,
 * which is the device's 512-byte blocks one after another with no header:
 *
 *     -device 3370,devno=140,file=dosres.fba[,readonly=on]
 *
 * Commands per "IBM 3370 Direct Access Storage Description and User's
 * Guide" (GA26-1657) and the 3880 FBA command set: Define Extent (the
 * file mask and the blocks a program may use), Locate (operation, block
 * count, first block, relative to the extent), Read, Write, Read IPL
 * (block 0), Sense, Sense ID, Read Device Characteristics, No-op.  Read
 * and Write must follow a Locate of the same kind in the same channel
 * program, and Locate a Define Extent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "devices/dasd/dasd_chain.h"
#include "devices/unitrec/unitrec.h"

#define FBA_BLOCK 512u

enum {
    S0_COMMAND_REJECT = 0x80,
    S0_EQUIPMENT_CHECK = 0x10,
    S1_FILE_PROTECTED = 0x04,
    S1_WRITE_INHIBITED = 0x02,
};
/* Define Extent file mask: bits 0-1 write control. */
enum { FBA_MASK_WRITE = 0xc0, FBA_MASK_INHIBIT_WRITES = 0x40, FBA_MASK_RESERVED = 0x33 };
/* Locate operations. */
enum { FBA_OP_WRITE = 0x01, FBA_OP_WRITE_VERIFY = 0x05, FBA_OP_READ = 0x06 };

typedef struct FbaType {
    const char *name;
    uint16_t type;
    uint8_t model, unit_type;
    uint32_t blocks_per_group, blocks_per_access;
    uint16_t cu_type;
    uint8_t cu_model;
} FbaType;

static const FbaType fba_types[] = {
    {"3370", 0x3370, 0x00, 0x02, 62, 744, 0x3880, 0x01},
    {"3310", 0x3310, 0x01, 0x01, 32, 352, 0x4331, 0x01},
};

typedef struct FbaDasd {
    Device dev;
    char *devno;
    char *file;
    bool readonly;
    ChannelUnit unit;
    const FbaType *type;
    int fd;
    uint32_t blocks;
    bool written;

    /* The channel program in progress. */
    bool chained;
    bool extent;
    uint8_t mask;
    uint32_t ext_origin, ext_first, ext_last;
    uint8_t op;    /* of the last Locate (0: none) */
    uint32_t next; /* next device block of the located range */
    uint32_t left; /* blocks left in it */
    uint32_t moved;
    bool short_xfer;
    uint8_t sense[24];
} FbaDasd;

static int fba_unit_check(FbaDasd *s, uint8_t b0, uint8_t b1)
{
    memset(s->sense, 0, sizeof s->sense);
    s->sense[0] = b0;
    s->sense[1] = b1;
    return UNIT_CE_DE | UNIT_CHECK;
}

static int fba_reject(FbaDasd *s, uint8_t cmd, const char *why)
{
    LOG_MASK(LOG_GUEST_ERRORS, "%s %04x: command %02x rejected: %s\n", s->type->name, s->unit.devno,
             cmd, why);
    return fba_unit_check(s, S0_COMMAND_REJECT, 0);
}

static size_t fba_in(FbaDasd *s, ChannelXfer *x, void *buf, size_t len)
{
    size_t n = channel_xfer_from_storage(x, buf, len);
    s->moved += (uint32_t)n;
    if (n < len) s->short_xfer = true;
    return n;
}

static size_t fba_out(FbaDasd *s, ChannelXfer *x, const void *buf, size_t len)
{
    size_t n = channel_xfer_to_storage(x, buf, len);
    s->moved += (uint32_t)n;
    if (n < len) s->short_xfer = true;
    return n;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static int fba_io_error(FbaDasd *s, const char *what)
{
    fprintf(stderr, "doppel: %s %04x: %s %s: %s\n", s->type->name, s->unit.devno, what, s->file,
            strerror(errno));
    return fba_unit_check(s, S0_EQUIPMENT_CHECK, 0);
}

static bool fba_pio(FbaDasd *s, uint32_t block, uint8_t *buf, bool write)
{
    off_t pos = (off_t)block * FBA_BLOCK;
    size_t done = 0;
    while (done < FBA_BLOCK) {
        ssize_t n = write ? pwrite(s->fd, buf + done, FBA_BLOCK - done, pos + (off_t)done)
                          : pread(s->fd, buf + done, FBA_BLOCK - done, pos + (off_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            return false;
        }
        done += (size_t)n;
    }
    return true;
}

static int fba_define_extent(FbaDasd *s, uint8_t cmd, ChannelXfer *x)
{
    uint8_t p[16];
    if (fba_in(s, x, p, sizeof p) < sizeof p) return fba_reject(s, cmd, "count too small");
    if (s->extent) return fba_reject(s, cmd, "second Define Extent");
    uint32_t origin = get32(p + 4), first = get32(p + 8), last = get32(p + 12);
    if ((p[0] & FBA_MASK_RESERVED) || (p[0] & FBA_MASK_WRITE) == 0x80 || first > last ||
        origin >= s->blocks || last - first >= s->blocks - origin)
        return fba_reject(s, cmd, "invalid extent");
    s->extent = true;
    s->mask = p[0];
    s->ext_origin = origin;
    s->ext_first = first;
    s->ext_last = last;
    return UNIT_CE_DE;
}

static int fba_locate(FbaDasd *s, uint8_t cmd, ChannelXfer *x)
{
    uint8_t p[8];
    if (fba_in(s, x, p, sizeof p) < sizeof p) return fba_reject(s, cmd, "count too small");
    if (!s->extent) return fba_reject(s, cmd, "Locate without Define Extent");
    uint8_t op = p[0] & 0x1f;
    uint32_t count = (uint32_t)(p[2] << 8 | p[3]), block = get32(p + 4);
    if (op != FBA_OP_WRITE && op != FBA_OP_WRITE_VERIFY && op != FBA_OP_READ)
        return fba_reject(s, cmd, "invalid Locate operation");
    if (count == 0) return fba_reject(s, cmd, "zero block count");
    if (op != FBA_OP_READ) {
        if (s->readonly) return fba_unit_check(s, S0_COMMAND_REJECT, S1_WRITE_INHIBITED);
        if ((s->mask & FBA_MASK_WRITE) == FBA_MASK_INHIBIT_WRITES)
            return fba_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED);
    }
    if (block < s->ext_first || block > s->ext_last || count - 1 > s->ext_last - block)
        return fba_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED);
    s->op = op;
    s->next = s->ext_origin + (block - s->ext_first);
    s->left = count;
    return UNIT_CE_DE;
}

static int fba_read(FbaDasd *s, uint8_t cmd, ChannelXfer *x)
{
    if (s->op != FBA_OP_READ) return fba_reject(s, cmd, "Read without a read Locate");
    uint8_t buf[FBA_BLOCK];
    while (s->left && !s->short_xfer) {
        if (!fba_pio(s, s->next, buf, false)) return fba_io_error(s, "reading");
        fba_out(s, x, buf, sizeof buf);
        s->next++;
        s->left--;
    }
    return UNIT_CE_DE;
}

static int fba_write(FbaDasd *s, uint8_t cmd, ChannelXfer *x)
{
    if (s->op != FBA_OP_WRITE && s->op != FBA_OP_WRITE_VERIFY)
        return fba_reject(s, cmd, "Write without a write Locate");
    uint8_t buf[FBA_BLOCK];
    while (s->left && !s->short_xfer) {
        size_t n = fba_in(s, x, buf, sizeof buf);
        if (n == 0) break;
        memset(buf + n, 0, sizeof buf - n); /* a short block is padded with zeros */
        if (!fba_pio(s, s->next, buf, true)) return fba_io_error(s, "writing");
        s->written = true;
        s->next++;
        s->left--;
    }
    return UNIT_CE_DE;
}

/* Read IPL: block 0 (the IPL channel program reads its first 24 bytes). */
static int fba_read_ipl(FbaDasd *s, ChannelXfer *x)
{
    uint8_t buf[FBA_BLOCK];
    if (!fba_pio(s, 0, buf, false)) return fba_io_error(s, "reading");
    fba_out(s, x, buf, sizeof buf);
    return UNIT_CE_DE;
}

static int fba_sense_id(FbaDasd *s, ChannelXfer *x)
{
    const FbaType *t = s->type;
    uint8_t id[7] = {0xff,        (uint8_t)(t->cu_type >> 8), (uint8_t)t->cu_type,
                     t->cu_model, (uint8_t)(t->type >> 8),    (uint8_t)t->type,
                     t->model};
    fba_out(s, x, id, sizeof id);
    return UNIT_CE_DE;
}

/* Device characteristics of an FBA device (3880 reference, "Read Device
 * Characteristics" for FBA). */
static int fba_rdc(FbaDasd *s, ChannelXfer *x)
{
    const FbaType *t = s->type;
    uint8_t d[32] = {0};
    d[0] = 0x30; /* operation modes: overrunable, data chaining allowed */
    d[1] = 0x08; /* features: removable? no; movable heads */
    d[2] = 0x21; /* device class: FBA */
    d[3] = t->unit_type;
    put16(d + 4, FBA_BLOCK);
    put32(d + 6, t->blocks_per_group);
    put32(d + 10, t->blocks_per_access);
    put32(d + 14, s->blocks);
    fba_out(s, x, d, sizeof d);
    return UNIT_CE_DE;
}

static int fba_command(FbaDasd *s, uint8_t cmd, ChannelXfer *x)
{
    switch (cmd) {
    case 0x03: return UNIT_CE_DE;
    case 0x02: return fba_read_ipl(s, x);
    case 0x63: return fba_define_extent(s, cmd, x);
    case 0x43: return fba_locate(s, cmd, x);
    case 0x42: return fba_read(s, cmd, x);
    case 0x41: return fba_write(s, cmd, x);
    case 0xe4: return fba_sense_id(s, x);
    case 0x64: return fba_rdc(s, x);
    case 0x04:
    case 0x14:
    case 0x94:
    case 0xb4:
        fba_out(s, x, s->sense, sizeof s->sense);
        memset(s->sense, 0, sizeof s->sense);
        return UNIT_CE_DE;
    default: return fba_reject(s, cmd, "invalid command");
    }
}

static int fba_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    FbaDasd *s = u->opaque;
    if (!s->chained) {
        s->extent = false;
        s->op = 0;
        s->left = 0;
    }
    s->moved = 0;
    s->short_xfer = false;
    if (cmd != 0x04 && cmd != 0x14 && cmd != 0x94 && cmd != 0xb4)
        memset(s->sense, 0, sizeof s->sense);
    int st = fba_command(s, cmd, x);
    s->chained = dasd_chain_continues(x, cmd, st, s->moved, s->short_xfer);
    return st;
}

static unsigned fba_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    FbaDasd *s = u->opaque;
    unsigned n = len < sizeof s->sense ? len : (unsigned)sizeof s->sense;
    memcpy(buf, s->sense, n);
    memset(s->sense, 0, sizeof s->sense);
    s->chained = false;
    return sizeof s->sense;
}

static void fba_halt(ChannelUnit *u)
{
    FbaDasd *s = u->opaque;
    s->chained = false;
}

static const ChannelUnitOps fba_unit_ops = {
    .execute = fba_execute,
    .sense = fba_sense,
    .halt = fba_halt,
    .reset = fba_halt,
};

/* FBA images have no internal snapshots: a writable volume makes savevm
 * refuse (core/snapshot.h), a readonly=on one follows trivially. */
static bool fba_media_writable(void *opaque)
{
    return !((FbaDasd *)opaque)->readonly;
}

static const SnapshotDriveOps fba_media_ops = {.writable = fba_media_writable};

static bool fba_realize(Device *dev, Machine *m)
{
    FbaDasd *s = (FbaDasd *)dev;
    const char *name = dev->class->name;
    s->fd = -1;
    for (size_t i = 0; i < sizeof fba_types / sizeof fba_types[0]; i++)
        if (!strcmp(fba_types[i].name, name)) s->type = &fba_types[i];
    if (!s->type) return false;
    if (!s->file || !*s->file) {
        fprintf(stderr, "doppel: %s: file= is required (a Hercules FBA image)\n", name);
        return false;
    }
    s->fd = open(s->file, s->readonly ? O_RDONLY : O_RDWR);
    struct stat st;
    char magic[8] = {0};
    if (s->fd < 0 || fstat(s->fd, &st) != 0) {
        fprintf(stderr, "doppel: %s: %s: %s\n", name, s->file, strerror(errno));
    } else if (pread(s->fd, magic, sizeof magic, 0) == sizeof magic &&
               !memcmp(magic, "FBA_C370", 8)) {
        fprintf(stderr,
                "doppel: %s: %s: compressed FBA (CFBA) images are not supported; "
                "expand it with Hercules' cckd2ckd\n",
                name, s->file);
    } else if (st.st_size < (off_t)FBA_BLOCK || st.st_size / FBA_BLOCK > 0xffffffffll) {
        fprintf(stderr, "doppel: %s: %s: not an FBA image (size)\n", name, s->file);
    } else {
        s->blocks = (uint32_t)(st.st_size / FBA_BLOCK);
        if (unitrec_attach(dev, m, &s->unit, s->devno, &fba_unit_ops)) {
            if (m) {
                char label[32];
                snprintf(label, sizeof label, "%s %04x", name, s->unit.devno);
                snapshot_add_drive(m, label, &fba_media_ops, s);
            }
            return true;
        }
    }
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    return false;
}

static void fba_reset(Device *dev)
{
    FbaDasd *s = (FbaDasd *)dev;
    if (s->written && fdatasync(s->fd) != 0)
        fprintf(stderr, "doppel: %s: %s: fdatasync: %s\n", dev->class->name, s->file,
                strerror(errno));
    s->written = false;
    s->chained = false;
    s->extent = false;
    s->op = 0;
    memset(s->sense, 0, sizeof s->sense);
}

static void fba_finalize(Device *dev)
{
    FbaDasd *s = (FbaDasd *)dev;
    if (dev->machine) snapshot_remove_drive(dev->machine, s);
    unitrec_detach(&s->unit);
    fba_reset(dev);
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}

static const Property fba_props[] = {
    DEFINE_PROP_STRING("devno", FbaDasd, devno, NULL, "device number, hex (e.g. 140)"),
    DEFINE_PROP_STRING("file", FbaDasd, file, NULL, "Hercules FBA image (512-byte blocks)"),
    DEFINE_PROP_BOOL("readonly", FbaDasd, readonly, false, "refuse writes (write inhibited)"),
    DEFINE_PROP_END,
};

static void fba_post_load(Device *dev)
{
    channel_unit_post_load(&((FbaDasd *)dev)->unit);
}

static const VMStateField fba_vmstate[] = {
    VMSTATE_BOOL(FbaDasd, chained),
    VMSTATE_BOOL(FbaDasd, extent),
    VMSTATE_U8(FbaDasd, mask),
    VMSTATE_U32(FbaDasd, ext_origin),
    VMSTATE_U32(FbaDasd, ext_first),
    VMSTATE_U32(FbaDasd, ext_last),
    VMSTATE_U8(FbaDasd, op),
    VMSTATE_U32(FbaDasd, next),
    VMSTATE_U32(FbaDasd, left),
    VMSTATE_BUFFER(FbaDasd, sense),
    CHANNEL_UNIT_VMSTATE(FbaDasd, unit),
    VMSTATE_END,
};

#define FBA_CLASS(var, name_, desc_)                                                               \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(FbaDasd),                                                          \
        .props = fba_props,                                                                        \
        .vmstate = fba_vmstate,                                                                    \
        .vmstate_version = 2,                                                                      \
        .realize = fba_realize,                                                                    \
        .reset = fba_reset,                                                                        \
        .post_load = fba_post_load,                                                                \
        .finalize = fba_finalize,                                                                  \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

FBA_CLASS(fba3370_class, "3370", "IBM 3370 disk storage, FBA (Hercules FBA image)");
FBA_CLASS(fba3310_class, "3310", "IBM 3310 disk storage, FBA (Hercules FBA image)");
