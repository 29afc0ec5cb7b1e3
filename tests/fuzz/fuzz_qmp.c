/*
 * libFuzzer target for the QMP session (core/qmp_session.c): any bytes in
 * any splits, with a toy command table.  Never a crash or leak, and every
 * reply or event is one valid JSON object followed by "\r\n".
 *   bash scripts/fuzz.sh     (builds this with clang -fsanitize=fuzzer)
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/qmp_session.h"

static QmpSession *fuzz_session;

static void fuzz_output(void *opaque, const char *text, size_t len)
{
    if (len < 2 || text[len - 2] != '\r' || text[len - 1] != '\n') __builtin_trap();
    json_t *v = json_loadb(text, len - 2, 0, NULL);
    if (!json_is_object(v)) __builtin_trap();
    if (!json_object_get(v, "return") && !json_object_get(v, "error") &&
        !json_object_get(v, "event") && !json_object_get(v, "QMP"))
        __builtin_trap();
    json_decref(v);
}

static json_t *toy_echo(void *ctx, json_t *args, QmpError *err)
{
    json_t *v = json_object_get(args, "value");
    return v ? json_incref(v) : json_null();
}

static json_t *toy_fail(void *ctx, json_t *args, QmpError *err)
{
    return qmp_error(err, "GenericError", "failed as asked: %s",
                     json_string_value(json_object_get(args, "why")));
}

/* An event raised inside a command: it must follow the reply. */
static json_t *toy_event(void *ctx, json_t *args, QmpError *err)
{
    qmp_session_event(fuzz_session, "TOY", json_pack("{s:i}", "n", 1));
    return json_object();
}

static json_t *toy_list(void *ctx, json_t *args, QmpError *err)
{
    return qmp_session_command_list(fuzz_session);
}

static const QmpCommand toy_commands[] = {
    {"echo", toy_echo, {{"value", QMP_ARG_ANY, true}, {"n", QMP_ARG_INT, true}, {NULL, 0, 0}}},
    {"fail", toy_fail, {{"why", QMP_ARG_STR, false}, {NULL, 0, 0}}},
    {"event", toy_event, {{"flag", QMP_ARG_BOOL, true}, {"obj", QMP_ARG_OBJECT, true}}},
    {"query-commands", toy_list, {{NULL, 0, 0}}},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    /* The first byte chooses how the rest is split into reads. */
    size_t step = (size_t)data[0] % 17 + 1;
    data++;
    size--;
    fuzz_session = qmp_session_new(toy_commands, sizeof toy_commands / sizeof toy_commands[0], NULL,
                                   fuzz_output, NULL);
    json_t *version = json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "major", 0, "minor", 1, "micro", 0,
                                "package", "fuzz");
    qmp_session_greet(fuzz_session, version);
    json_decref(version);
    for (size_t off = 0; off < size; off += step) {
        size_t n = size - off < step ? size - off : step;
        qmp_session_feed(fuzz_session, data + off, n);
    }
    qmp_session_event(fuzz_session, "DONE", NULL);
    qmp_session_free(fuzz_session);
    return 0;
}
